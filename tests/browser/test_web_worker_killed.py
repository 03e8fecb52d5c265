"""Fault drill (docs/operations.md "Fault drills"): a web worker killed (SIGKILL) while walls and
consoles are open. The production command (`reflex run --env prod`, one port, Redis state manager
and bus, PostgreSQL with the demo world) with 2 granian workers; two wall screens and two consoles
of tenant XY's admin open in Chromium. The worker holding the most of their sockets is killed; each
page reconnects by itself and follows again: a withdrawal committed afterwards shows on both walls
and an alert raised afterwards toasts on both consoles, pushed (sooner than the walls' own 15-second
re-read), without a reload, with nothing typed or clicked.

Runs last of the browser modules (it rebuilds the repo's frontend for its own server)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest
import redis
from sqlmodel import Session, select

from app.alerts.service import raise_once
from app.cabinets.models import Cabinet
from app.core.announce import announce, take_announcements
from app.core.bus import RedisBus
from app.core.db import make_engine, session_scope
from app.demo.services.catalogue import DEMO_MARKER_TENANT
from app.items.models import Item
from app.org.models import User
from app.withdrawals.models import Withdrawal, WithdrawalLine
from hardware.net import free_port
from tests.bench.bench_push import seeded_world
from tests.bench.live_server import serve_backend, stop_backend
from tests.browser.conftest import RunningApp, screenshot, sign_in
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.services import REDIS_TEST_URL, require_postgres, require_redis

REDIS_DB = REDIS_TEST_URL.rsplit("/", 1)[0] + "/14"
PUSHED_WITHIN_MS = 8_000  # well inside the walls' 15 s re-read: it is the push that shows it


@pytest.fixture
def two_worker_server(monkeypatch: pytest.MonkeyPatch):
    require_postgres()
    require_redis()
    name, database_url = _create_pg_database()
    queue = redis.Redis.from_url(REDIS_DB)
    queue.flushdb()
    monkeypatch.setenv("GRANIAN_WORKERS", "2")
    data_dir = Path(tempfile.mkdtemp(prefix="drill-web-"))
    server = None
    try:
        tenant_id = seeded_world(database_url)
        port = free_port()
        server = serve_backend(database_url, REDIS_DB, port, data_dir)
        app = RunningApp(url=f"http://127.0.0.1:{port}", data_dir=data_dir, log_path=data_dir)
        yield app, server, database_url, tenant_id, port
    finally:
        if server is not None:
            stop_backend(server)
        queue.flushdb()
        _drop_pg_database(name)


def _sockets_by_worker(server_pid: int, port: int) -> dict[int, int]:
    """Each web worker's established connections on the port (the pages' websockets)."""
    held: dict[int, int] = {}
    for process in psutil.Process(server_pid).children(recursive=True):
        try:
            connections = process.net_connections(kind="tcp")
        except psutil.Error:
            continue
        held[process.pid] = sum(
            1 for c in connections if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
        )
    return held


def _withdrawal_committed(database_url: str, tenant_id: int) -> list:
    """A withdrawal committed the way the door-close job commits one, with its door event."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.tenant_id == tenant_id)).first()
            item = session.exec(select(Item).where(Item.tenant_id == tenant_id)).first()
            person = session.exec(select(User).where(User.tenant_id == tenant_id)).first()
            withdrawal = Withdrawal(
                tenant_id=tenant_id,
                cabinet_id=cabinet.id,
                user_id=person.id,
                total_qty=1,
                total_cost_cents=item.unit_cost_cents,
                created_at=datetime.now(UTC),
            )
            session.add(withdrawal)
            session.flush()
            session.add(
                WithdrawalLine.of(
                    withdrawal, item_id=item.id, quantity=1, unit_cost_cents=item.unit_cost_cents
                )
            )
            announce(session, tenant_id, "door", door=0, cabinet=cabinet.id, status="committed")
            announcements = take_announcements(session)
    finally:
        engine.dispose()
    return announcements


def _alert_raised(database_url: str, tenant_id: int) -> tuple[str, list]:
    engine = make_engine(database_url)
    slot = f"K{uuid.uuid4().hex[:4].upper()}"
    try:
        with Session(engine) as session:
            raise_once(
                session=session,
                tenant_id=tenant_id,
                kind="low_stock",
                root_key=f"drill:web:{slot}",
                message_key="alert.low_stock",
                params={"cabinet": "演练柜", "slot": slot, "item": "演练", "quantity": 1, "min": 5},
            )
            session.commit()
            announcements = take_announcements(session)
    finally:
        engine.dispose()
    return slot, announcements


def _publish(announcements: list) -> None:
    async def send() -> None:
        bus = RedisBus(REDIS_DB)
        try:
            for channel, data in announcements:
                await bus.publish(channel, data)
        finally:
            await bus.close()

    with ThreadPoolExecutor(1) as thread:  # Playwright's loop runs in this one
        thread.submit(asyncio.run, send()).result()


def _followed(database_url: str, tenant_id: int, walls: list, consoles: list) -> None:
    """A withdrawal shows on every wall, then an alert toasts on every console: pushed."""
    before = [_today(wall) for wall in walls]
    _publish(_withdrawal_committed(database_url, tenant_id))
    for wall, count in zip(walls, before, strict=True):
        wall.wait_for_function(
            "([n]) => Number(document.querySelector('#wall-today')?.innerText) === n",
            arg=[count + 1],
            timeout=PUSHED_WITHIN_MS,
        )
    slot, announcements = _alert_raised(database_url, tenant_id)
    _publish(announcements)
    for console in consoles:
        console.locator("[data-sonner-toast]", has_text=slot).wait_for(timeout=PUSHED_WITHIN_MS)


def _today(page) -> int:
    return int(page.inner_text("#wall-today").strip())


def test_walls_and_consoles_follow_again_after_a_web_worker_is_killed(
    browser, two_worker_server
) -> None:
    app, server, database_url, tenant_id, port = two_worker_server
    wall_url = f"{app.url}/wall/demo-wall-{DEMO_MARKER_TENANT.lower()}"
    contexts, walls, consoles = [], [], []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        wall = context.new_page()
        wall.goto(wall_url)
        wall.wait_for_selector('#wall[data-status="live"]', timeout=60_000)
        wall.evaluate("window.__sameDocument = true")
        contexts.append(context)
        walls.append(wall)
    for _ in range(2):
        context, console = sign_in(browser, app, "xy_admin")
        console.wait_for_selector("#alert-bell")
        console.evaluate("window.__sameDocument = true")
        contexts.append(context)
        consoles.append(console)

    _followed(database_url, tenant_id, walls, consoles)  # before: the pages follow
    held = _sockets_by_worker(server.pid, port)
    processes = len(held)
    victim = max(held, key=held.get)
    assert held[victim] >= 1, f"no page's socket on any worker: {held}"
    os.kill(victim, 9)
    print(
        f"\n  killed web worker {victim} holding {held[victim]} of the pages' connections: {held}"
    )
    started = time.monotonic()
    _followed(database_url, tenant_id, walls, consoles)
    print(f"  every page followed again within {time.monotonic() - started:.1f} s of the kill")
    deadline = time.monotonic() + 60  # granian starts a worker in its place
    while len(_sockets_by_worker(server.pid, port)) < processes or psutil.pid_exists(victim):
        assert server.poll() is None, "the web server ended with its worker"
        assert time.monotonic() < deadline, "no worker was started in the dead one's place"
        time.sleep(0.5)
    for page in (*walls, *consoles):
        assert page.evaluate("window.__sameDocument") is True  # no reload
    screenshot(walls[0], "drill-web-worker-killed-wall-1920")
    screenshot(consoles[0], "drill-web-worker-killed-console-1440")
    for context in contexts:
        context.close()
