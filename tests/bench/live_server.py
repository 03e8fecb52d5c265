"""What the push benchmarks share: the Reflex backend as production runs it (`reflex run --env
prod`, Redis state manager and bus, PostgreSQL) and browser tabs simulated over its websocket,
sending events the way Reflex's frontend does (router data with the page's path) and answering
the events the server asks them to send."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
import socketio

from app.core.config import REPO_ROOT

NAMESPACE = "/_event"
LOG = Path(tempfile.gettempdir()) / "bench-live-backend.log"


def serve_backend(
    database_url: str, redis_url: str, port: int, data_dir: Path, *, backend_only: bool = False
) -> subprocess.Popen:
    """The production server; `backend_only` leaves the frontend (and the repo's `.web`) alone,
    for a test that runs beside the browser tests and only talks to the websocket."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DATA_DIR": str(data_dir),
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    for name in ("MQTT_URL", "PORT", "REFLEX_FRONTEND_PORT", "REFLEX_BACKEND_PORT"):
        env.pop(name, None)
    # the production command of `make run` (one port), with REDIS_URL: Redis state and bus
    command = [
        str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod",
        *(["--backend-only"] if backend_only else ["--frontend-port", str(port)]),
        "--backend-port", str(port), "--loglevel", "warning",
    ]  # fmt: skip
    with LOG.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers and frontend server stop with it
        )
    deadline = time.monotonic() + 300  # the frontend is built first
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(1)
    stop_backend(process)
    raise RuntimeError(f"the backend did not start: {LOG.read_text()[-3000:]}")


def stop_backend(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """CPU of a process and all of its children (the server's workers)."""
    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    return sum(sum(p.cpu_times()[:2]) for p in processes if p.is_running())


def memory_bytes(pid: int) -> int:
    process = psutil.Process(pid)
    processes = [process, *process.children(recursive=True)]
    return sum(p.memory_info().rss for p in processes if p.is_running())


class Tab:
    """One browser tab on a page: `on_message(data, when)` sees every message the server sends;
    events the server asks the page to send (`answers`) are sent back as the frontend would."""

    def __init__(
        self,
        url: str,
        path: str,
        *,
        cookie: str = "",
        answers: frozenset[str] = frozenset(),
        on_message: Callable[[dict, float], None] | None = None,
    ) -> None:
        self.url, self.path, self.cookie, self.answers = url, path, cookie, answers
        self.on_message = on_message or (lambda data, when: None)
        self.client = socketio.AsyncClient(reconnection=False)
        self.heard = asyncio.Event()

    async def start(self, first_event: str) -> None:
        @self.client.on("event", namespace=NAMESPACE)
        async def on_event(data) -> None:
            when = time.time()  # wall clock: compared with when the cabinet signed
            self.heard.set()
            if not isinstance(data, dict):
                return
            self.on_message(data, when)
            for event in data.get("events") or []:
                if event.get("name") in self.answers:
                    await self.send(event["name"])

        await self.client.connect(
            f"{self.url}?token={uuid.uuid4()}",
            socketio_path="/_event",
            transports=["websocket"],
            namespaces=[NAMESPACE],
            headers={"Cookie": self.cookie} if self.cookie else {},
            wait_timeout=30,
        )
        await self.send(first_event)
        await asyncio.wait_for(self.heard.wait(), 60)

    async def send(self, name: str) -> None:
        router_data = {"pathname": self.path, "asPath": self.path, "query": {}}
        message = {"name": name, "payload": {}, "router_data": router_data}
        await self.client.emit("event", message, namespace=NAMESPACE)

    async def stop(self) -> None:
        await self.client.disconnect()


async def open_tabs(tabs: list[Tab], first_event: str, at_once: int = 25) -> None:
    """Tabs open over a few seconds, not all in one instant."""
    for start in range(0, len(tabs), at_once):
        await asyncio.gather(*(t.start(first_event) for t in tabs[start : start + at_once]))
