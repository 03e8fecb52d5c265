"""Live alerts pushed to open consoles, on the production topology: the Reflex backend as
`reflex run --env prod` serves it (Redis state manager and bus, PostgreSQL with the demo world),
N console tabs of tenant XY's admin connected over websockets, each following its alerts as a
console page does. The alerts are raised the way a job raises them (a unit of work commits,
then its announcements go on the Redis bus); each tab, like the browser, answers the poke by
re-reading its alert centre, and the time is taken when the alert's toast reaches it.

Metrics (N = 50 and 200 tabs, ALERTS alerts one after another):
- console_alert_p50_ms_<N> / console_alert_p95_ms_<N>: commit of the alert → its toast in each
  tab; every tab must receive every alert or the run fails.
- console_alert_server_cpu_ms_<N>: the server's CPU per alert (all of its processes).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil
import redis
import socketio
from sqlmodel import Session, select

from app.alerts.service import raise_once
from app.alerts.state import AlertCentreState
from app.core import migrations
from app.core.announce import take_announcements
from app.core.bus import RedisBus
from app.core.config import REPO_ROOT
from app.core.db import make_engine, session_scope
from app.demo.catalogue import DEMO_PASSWORD
from app.demo.service import seed_demo
from app.tenants.models import Tenant
from hardware.net import free_port
from tests.conftest import _create_pg_database, _drop_pg_database

REDIS_URL = os.environ.get("BENCH_PUSH_REDIS_URL", "redis://127.0.0.1:6379/12")
TABS = (50, 200)
ALERTS = 10
GAP_S = 1.5  # between alerts: each one's fan-out is measured on its own
NAMESPACE = "/_event"
FOLLOW = f"{AlertCentreState.get_full_name()}.follow"
ARRIVED = f"{AlertCentreState.get_full_name()}.arrived"
TOAST_ID = re.compile(r"alert-(\d+)")  # the toasts' ids (app/alerts/state.py)
LOG = Path(tempfile.gettempdir()) / "bench-push-backend.log"


def _serve(database_url: str, port: int, data_dir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DATA_DIR": str(data_dir),
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    env.pop("MQTT_URL", None)
    command = [
        str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod",
        "--backend-only", "--backend-port", str(port), "--loglevel", "warning",
    ]  # fmt: skip
    with LOG.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(1)
    process.kill()
    raise RuntimeError(f"the backend did not start: {LOG.read_text()[-3000:]}")


class Tab:
    """One console tab: follows its alerts, answers pokes as the browser does."""

    def __init__(self, url: str, cookie: str) -> None:
        self.url, self.cookie = url, cookie
        self.client = socketio.AsyncClient(reconnection=False)
        self.toasts: dict[int, float] = {}  # alert id → when its toast arrived
        self.followed = asyncio.Event()

    async def start(self) -> None:
        @self.client.on("event", namespace=NAMESPACE)
        async def on_event(data) -> None:
            now = time.monotonic()
            self.followed.set()
            for event in data.get("events", []) if isinstance(data, dict) else []:
                if event.get("name") == ARRIVED:
                    await self._send(ARRIVED)
            for alert_id in TOAST_ID.findall(json.dumps(data)):
                self.toasts.setdefault(int(alert_id), now)

        await self.client.connect(
            f"{self.url}?token={uuid.uuid4()}",
            socketio_path="/_event",
            transports=["websocket"],
            namespaces=[NAMESPACE],
            headers={"Cookie": self.cookie},
            wait_timeout=30,
        )
        await self._send(FOLLOW)
        await asyncio.wait_for(self.followed.wait(), 60)

    async def _send(self, name: str) -> None:
        message = {"name": name, "payload": {}, "router_data": {"pathname": "/people", "query": {}}}
        await self.client.emit("event", message, namespace=NAMESPACE)

    async def stop(self) -> None:
        await self.client.disconnect()


def _raise(engine, tenant_id: int, n: int) -> tuple[int, list]:
    with session_scope(engine) as session:
        alert = raise_once(
            session=session,
            tenant_id=tenant_id,
            kind="low_stock",
            root_key=f"bench:push:{uuid.uuid4().hex}",
            message_key="alert.low_stock",
            params={"cabinet": "压测柜", "slot": f"Z{n}", "item": "压测", "quantity": 1, "min": 5},
        )
        alert_id = alert.id
    return alert_id, take_announcements(session)


async def _round(url: str, database_url: str, tenant_id: int, tabs: int, pid: int) -> dict:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        response = await http.post(
            "/api/auth/login", json={"login": "xy_admin", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        cookie = "; ".join(f"{k}={v}" for k, v in response.cookies.items())
    opened = [Tab(url, cookie) for _ in range(tabs)]
    for start in range(0, tabs, 25):  # tabs open over a few seconds, not all in one instant
        await asyncio.gather(*(t.start() for t in opened[start : start + 25]))
    await asyncio.sleep(2)
    engine, bus = make_engine(database_url), RedisBus(REDIS_URL)
    latencies: list[float] = []
    server = psutil.Process(pid)
    cpu_before = _cpu(server)
    try:
        for n in range(ALERTS):
            alert_id, announcements = await asyncio.to_thread(_raise, engine, tenant_id, n)
            committed = time.monotonic()
            for channel, data in announcements:
                await bus.publish(channel, data)
            deadline = committed + 30
            while any(alert_id not in t.toasts for t in opened):
                if time.monotonic() > deadline:
                    missing = sum(alert_id not in t.toasts for t in opened)
                    raise AssertionError(f"{missing} of {tabs} tabs never got alert {alert_id}")
                await asyncio.sleep(0.01)
            latencies += [(t.toasts[alert_id] - committed) * 1000 for t in opened]
            await asyncio.sleep(GAP_S)
        cpu = _cpu(server) - cpu_before
    finally:
        await asyncio.gather(*(t.stop() for t in opened), return_exceptions=True)
        await bus.close()
        engine.dispose()
    cuts = statistics.quantiles(latencies, n=100)
    return {
        f"console_alert_p50_ms_{tabs}": round(cuts[49], 1),
        f"console_alert_p95_ms_{tabs}": round(cuts[94], 1),
        f"console_alert_server_cpu_ms_{tabs}": round(1000 * cpu / ALERTS, 1),
    }


def _cpu(process: psutil.Process) -> float:
    processes = [process, *process.children(recursive=True)]
    return sum(sum(p.cpu_times()[:2]) for p in processes if p.is_running())


def run() -> dict[str, float]:
    name, database_url = _create_pg_database()
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    try:
        migrations.upgrade(database_url)
        engine = make_engine(database_url)
        with Session(engine) as session:
            seed_demo(session=session)
            session.commit()
            tenant_id = session.exec(select(Tenant.id).where(Tenant.code == "TN-XY")).one()
        engine.dispose()
        port = free_port()
        with tempfile.TemporaryDirectory() as data_dir:
            server = _serve(database_url, port, Path(data_dir))
            try:
                figures: dict[str, float] = {}
                for tabs in TABS:
                    figures |= asyncio.run(
                        _round(
                            f"http://127.0.0.1:{port}", database_url, tenant_id, tabs, server.pid
                        )
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)
        return figures
    finally:
        queue.flushdb()
        queue.close()
        _drop_pg_database(name)
