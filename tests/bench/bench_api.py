"""The REST API's withdrawal feed over 1,000,000 withdrawals on PostgreSQL.

The report benchmark's world (tests/bench/report_world.py: one tenant, a year of 1,000,000
withdrawals with 2.5 lines each on average, generated in SQL with INSERT … SELECT over
generate_series, the real tables and indexes). An API key with `withdrawals:read`; the calls
go through the real route (`GET /api/v1/withdrawals?limit=100`, key check, scope, feed query,
JSON) with an in-process ASGI client (httpx.ASGITransport: no network, no server process; the
rate limiter is off). The cursors are followed from page 1 to page 100; page 101 is then
fetched REPEATS times.

Metric: api_withdrawals_page_ms_1m — the median ms of page 101 (target < 50).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime

import httpx
from sqlmodel import Session

from app.api.v1 import build_v1
from app.api.v1.context import ApiSettings
from app.apikeys.service import create_key
from app.audit.services.records import SYSTEM
from app.core import migrations
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from tests.bench import report_world
from tests.conftest import _create_pg_database, _drop_pg_database

WITHDRAWALS = 1_000_000
DEPTH = 100
REPEATS = 30


async def _measure(app, key: str) -> tuple[float, int]:
    headers = {"Authorization": f"Bearer {key}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        cursor = None
        for _ in range(DEPTH):
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            response = await http.get("/withdrawals", params=params, headers=headers)
            response.raise_for_status()
            cursor = response.json()["next_cursor"]
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = await http.get(
                "/withdrawals", params={"limit": 100, "cursor": cursor}, headers=headers
            )
            samples.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return statistics.median(samples), len(response.json()["data"])


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        started = time.monotonic()
        lines = int(WITHDRAWALS * report_world.LINES_PER_WITHDRAWAL)
        tenant = report_world.build(url, lines)
        print(f"  {WITHDRAWALS:,} withdrawals generated in {time.monotonic() - started:.0f}s")
        engine = make_engine(url)
        with Session(engine) as session:
            _, key = create_key(
                session=session, scope=TenantScope.single(tenant), tenant_id=tenant,
                name="bench", scopes=["withdrawals:read"], expires_at=None, actor=SYSTEM,
            )  # fmt: skip
            session.commit()
        app = build_v1(ApiSettings(engine=engine, buckets=None, now=lambda: datetime.now(UTC)))
        ms, rows = asyncio.run(_measure(app, key))
        print(f"  page {DEPTH + 1} of 100 rows (with lines): median {ms:.1f} ms ({rows} rows)")
        engine.dispose()
        return {"api_withdrawals_page_ms_1m": round(ms, 1)}
    finally:
        _drop_pg_database(name)
