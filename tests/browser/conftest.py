"""The product started exactly as `make run` starts it, and a Chromium to look at it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import app.models  # noqa: F401 - every table known to the helpers that write to the app's database
from app.core.config import REPO_ROOT
from hardware.net import free_port
from hardware.simulator.cabinet import SimulatedCabinet
from hardware.simulator.fleet import SimulatedSpec
from hardware.simulator.run import FleetOptions, build_cabinet
from tests.browser.powered import Powered, cabinet_spec, is_online, until
from tests.services import CHROMIUM_PATH, require_chromium

ARTIFACTS = REPO_ROOT / "test-artifacts"
START_TIMEOUT_S = 420  # first start of a clean clone installs the frontend packages
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class RunningApp:
    url: str
    data_dir: Path
    log_path: Path
    mqtt_port: int = 0  # the embedded broker `make run` starts

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_S:
        if process.poll() is not None:
            pytest.fail(
                f"make run exited with {process.returncode}:\n{log_path.read_text()[-4000:]}"
            )
        try:
            if (
                httpx.get(f"{url}/ping", timeout=2).status_code == 200
                and httpx.get(url, timeout=5).status_code == 200
            ):
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(2)
    pytest.fail(
        f"make run did not serve {url} within {START_TIMEOUT_S}s:\n{log_path.read_text()[-4000:]}"
    )


@pytest.fixture(scope="session")
def running_app() -> Iterator[RunningApp]:
    """`make run` on a free port with its own data dir (SQLite, demo data, embedded defaults)."""
    require_chromium()
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="cabinet-run-"))
    log_path = data_dir / "make-run.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MQTT_URL", "APP_ENV")
    }
    mqtt_port = free_port()
    # no simulated cabinets: the authorization tests compare demo rows before and after
    env.update(
        PORT=str(port),
        DATA_DIR=str(data_dir),
        EMBEDDED_MQTT_PORT=str(mqtt_port),
        SIMULATED_CABINETS="0",
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://localhost:{port}"
    try:
        seconds = _wait_until_up(url, process, log_path)
        print(f"make run served {url} after {seconds:.0f}s")
        yield RunningApp(url=url, data_dir=data_dir, log_path=log_path, mqtt_port=mqtt_port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def handler_crashes(log: str) -> list[str]:
    """Event handlers of ours that raised (Reflex logs the traceback and the browser sees
    nothing happen): each crash's traceback, newlines taken out of rich's wrapped lines."""
    ours = re.compile(re.escape(str(REPO_ROOT)) + r"/(app|hardware|vision)/")
    crashes = []
    for chunk in log.split("Traceback (most recent call last)")[1:]:
        flat = chunk.replace("\n", "")
        if "process_event" in flat and ours.search(flat):
            crashes.append(chunk[-1500:])
    return crashes


@pytest.fixture(autouse=True)
def _no_handler_crash(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test fails when one of our event handlers raised while it ran, whatever it asserted."""
    if "running_app" not in request.fixturenames:
        yield
        return
    app: RunningApp = request.getfixturevalue("running_app")
    start = app.log_path.stat().st_size
    yield
    with app.log_path.open("rb") as log:
        log.seek(start)
        crashes = handler_crashes(log.read().decode("utf-8", errors="replace"))
    assert not crashes, "an event handler raised:\n" + "\n----\n".join(crashes)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def at_path(app: RunningApp, path: str) -> re.Pattern[str]:
    """A URL pattern for one page of the app (the static server may add a trailing slash)."""
    return re.compile("^" + re.escape(app.url + path.rstrip("/")) + r"/?(\?.*)?$")


def sign_in(
    browser,
    app: RunningApp,
    username: str,
    *,
    width: int = 1440,
    height: int = 900,
    locale: str = "zh-CN",
    landed: str | None = '#home[data-loaded="true"]',
):
    """A new browser context signed in through the real login form; returns (context, page).
    `landed`: what shows that the home page has loaded (None: do not wait for it)."""
    from app.demo.services.catalogue import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.goto(app.url + "/login")
    page.fill("#login", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(app, "/"))
    if landed:
        page.wait_for_selector(landed, timeout=60_000)
    return context, page


def employee_on_phone(browser, app: RunningApp, username: str = "xy_employee"):
    """A new 390×844 phone context signed in through the real form as an employee, who lands on
    their own page (/m); returns (context, page)."""
    from app.demo.services.catalogue import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url + "/m/login?next=%2Fm")  # the phone's sign-in (a manager too)
    page.fill("#login", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(app, "/m"), timeout=60_000)
    page.wait_for_selector('#my-phone[data-loaded="true"]', timeout=60_000)
    return context, page


@contextmanager
def powered_in_thread(spec: SimulatedSpec, options: FleetOptions, seed: int) -> Iterator[Powered]:
    """The simulated cabinet `spec` running on its own event loop in a thread (Playwright owns
    the test thread's) until the block ends."""
    loop = asyncio.new_event_loop()
    ready: Future[tuple[SimulatedCabinet, asyncio.Event]] = Future()

    async def power_on() -> None:
        cabinet, stop = build_cabinet(spec, options, seed=seed), asyncio.Event()
        ready.set_result((cabinet, stop))
        await cabinet.run(stop)

    thread = threading.Thread(target=loop.run_until_complete, args=(power_on(),), daemon=True)
    thread.start()
    cabinet, stop = ready.result(timeout=10)
    try:
        yield Powered(cabinet, loop, spec)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)


@pytest.fixture
def powered_cabinet(running_app: RunningApp, tmp_path) -> Iterator[Powered]:
    spec, cabinet_id = cabinet_spec(running_app)
    options = FleetOptions(
        broker=("127.0.0.1", running_app.mqtt_port),
        outbox_dir=tmp_path,
        visits_per_min=0,  # nobody but our employee
        heartbeat_s=2,
    )
    with powered_in_thread(spec, options, seed=1) as powered:
        until(lambda: is_online(running_app, cabinet_id), 30, "the cabinet never came online")
        yield powered
        # the cable pulled, so its last will takes it offline now, not the presence sweep
        # (in-process under `make run`) 90 s later, in the middle of another test
        powered.loop.call_soon_threadsafe(powered.cabinet.set_network, False)
        until(lambda: not is_online(running_app, cabinet_id), 15, "the cabinet stayed online")


def open_from_phone(browser, app: RunningApp, powered: Powered):
    """xy_employee opens the powered cabinet from their phone, as a scanned QR code would;
    returns (context, page, door) once the unlock has reached the cabinet."""
    context, page = employee_on_phone(browser, app)
    page.goto(app.url + f"/m/cabinet/{powered.spec.identity.code}")
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=30_000)
    cabinet = powered.cabinet
    cabinet.unlocked.clear()
    page.click("#open-door")
    # the message is there before the press (what to do); after it, it says the lock is opening
    page.wait_for_selector("#door-message >> text=正在开锁", timeout=15_000)
    # 25 s: a first send lost while the cabinet reconnects is recovered by the 15 s resend
    until(cabinet.unlocked.is_set, 25, "the unlock never reached the cabinet")
    unlock = cabinet.unlock
    return context, page, {"session": unlock.session, "by": unlock.by}
