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
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import redis
from sqlmodel import Session, select

from app.alerts.service import raise_once
from app.alerts.state.bell import AlertCentreState
from app.core import migrations
from app.core.announce import take_announcements
from app.core.bus import RedisBus
from app.core.db import make_engine, session_scope
from app.demo.services.catalogue import DEMO_PASSWORD
from app.demo.services.demo import seed_demo
from app.tenants.models import Tenant
from hardware.net import free_port
from tests.bench.live_server import Tab, cpu_seconds, open_tabs, serve_backend, stop_backend
from tests.conftest import _create_pg_database, _drop_pg_database

REDIS_URL = os.environ.get("BENCH_PUSH_REDIS_URL", "redis://127.0.0.1:6379/12")
TABS = (50, 200)
ALERTS = 10
GAP_S = 1.5  # between alerts: each one's fan-out is measured on its own
FOLLOW = f"{AlertCentreState.get_full_name()}.follow"
ARRIVED = f"{AlertCentreState.get_full_name()}.arrived"
TOAST_ID = re.compile(r"alert-(\d+)")  # the toasts' ids (app/alerts/state/bell.py)


def seeded_world(database_url: str) -> int:
    """The demo world on `database_url`; tenant XY's id."""
    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        seed_demo(session=session)
        session.commit()
        tenant_id = session.exec(select(Tenant.id).where(Tenant.code == "TN-XY")).one()
    engine.dispose()
    return tenant_id


async def admin_cookie(url: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        response = await http.post(
            "/api/auth/login", json={"login": "xy_admin", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        return "; ".join(f"{k}={v}" for k, v in response.cookies.items())


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
    cookie = await admin_cookie(url)
    toasts: list[dict[int, float]] = [{} for _ in range(tabs)]

    def noting(seen: dict[int, float]):
        def on_message(data: dict, when: float) -> None:
            for alert_id in TOAST_ID.findall(json.dumps(data)):
                seen.setdefault(int(alert_id), when)

        return on_message

    opened = [
        Tab(url, "/people", cookie=cookie, answers=frozenset({ARRIVED}), on_message=noting(seen))
        for seen in toasts
    ]
    await open_tabs(opened, FOLLOW)
    await asyncio.sleep(2)
    engine, bus = make_engine(database_url), RedisBus(REDIS_URL)
    latencies: list[float] = []
    cpu_before = cpu_seconds(pid)
    try:
        for n in range(ALERTS):
            alert_id, announcements = await asyncio.to_thread(_raise, engine, tenant_id, n)
            committed = time.time()
            for channel, data in announcements:
                await bus.publish(channel, data)
            deadline = time.monotonic() + 30
            while any(alert_id not in seen for seen in toasts):
                if time.monotonic() > deadline:
                    missing = sum(alert_id not in seen for seen in toasts)
                    raise AssertionError(f"{missing} of {tabs} tabs never got alert {alert_id}")
                await asyncio.sleep(0.01)
            latencies += [(seen[alert_id] - committed) * 1000 for seen in toasts]
            await asyncio.sleep(GAP_S)
        cpu = cpu_seconds(pid) - cpu_before
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


def run() -> dict[str, float]:
    name, database_url = _create_pg_database()
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    try:
        tenant_id = seeded_world(database_url)
        port = free_port()
        with tempfile.TemporaryDirectory() as data_dir:
            server = serve_backend(database_url, REDIS_URL, port, Path(data_dir))
            try:
                figures: dict[str, float] = {}
                for tabs in TABS:
                    url = f"http://127.0.0.1:{port}"
                    figures |= asyncio.run(_round(url, database_url, tenant_id, tabs, server.pid))
            finally:
                stop_backend(server)
        return figures
    finally:
        queue.flushdb()
        queue.close()
        _drop_pg_database(name)
