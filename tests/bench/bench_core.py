"""Core plumbing on real services: bus latency, job latency, the home page's queries.

Metrics:
- bus_roundtrip_p50_ms_inprocess / _redis, bus_roundtrip_p95_ms_redis: publish → subscriber.
- job_latency_p50_ms_arq: enqueue → job body running on a real arq worker.
- home_figures_p50_ms_pg / _p95_ms_pg: the home page's queries on PostgreSQL with demo data.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
import uuid
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker
from sqlmodel import Session

from app.core import migrations
from app.core.bus import EventBus, InProcessBus, RedisBus
from app.core.db import make_engine
from app.core.jobs import ArqDispatcher
from app.core.tenancy import TenantScope
from app.dashboard.service import home_figures
from app.demo.services.demo import seed_demo
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.services import REDIS_TEST_URL

ROUNDS = 500


def _percentile(samples: list[float], q: float) -> float:
    return round(statistics.quantiles(samples, n=100)[int(q) - 1], 3)


async def _bus_roundtrips(bus: EventBus) -> list[float]:
    channel = f"bench:{uuid.uuid4().hex[:8]}"
    samples = []
    async with bus.subscribe(channel) as events:
        await asyncio.sleep(0.1)
        for n in range(ROUNDS):
            started = time.perf_counter()
            await bus.publish(channel, {"n": n})
            await anext(events)
            samples.append((time.perf_counter() - started) * 1000)
    await bus.close()
    return samples


_arrivals: dict[str, float] = {}
_arrived = asyncio.Event()


async def bench_job_arrival(ctx: dict[str, Any], token: str) -> None:
    _arrivals[token] = time.perf_counter()
    _arrived.set()


async def _job_latencies() -> list[float]:
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    settings = RedisSettings.from_dsn(REDIS_TEST_URL)
    worker = Worker(
        functions=[bench_job_arrival],
        redis_settings=settings,
        queue_name=queue,
        poll_delay=0.005,
        handle_signals=False,
        keep_result=0,
    )
    runner = asyncio.create_task(worker.main())
    dispatcher = ArqDispatcher(REDIS_TEST_URL)
    redis = await dispatcher._redis()
    samples = []
    for _ in range(100):
        token = uuid.uuid4().hex
        _arrived.clear()
        started = time.perf_counter()
        await redis.enqueue_job("bench_job_arrival", token, _queue_name=queue)
        await asyncio.wait_for(_arrived.wait(), 10)
        samples.append((_arrivals[token] - started) * 1000)
    await asyncio.sleep(0.2)  # let the last job finish storing its (empty) result
    runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner
    await worker.close()
    await dispatcher.close()
    return samples


def _home_figures_pg() -> list[float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            seed_demo(session=session)
            session.commit()
        samples = []
        with Session(engine) as session:
            for n in range(100):
                scope = TenantScope.platform() if n % 2 else TenantScope.single(1)
                started = time.perf_counter()
                home_figures(session=session, scope=scope)
                samples.append((time.perf_counter() - started) * 1000)
        engine.dispose()
        return samples
    finally:
        _drop_pg_database(name)


def run() -> dict[str, float]:
    inprocess = asyncio.run(_bus_roundtrips(InProcessBus()))
    redis = asyncio.run(_bus_roundtrips(RedisBus(REDIS_TEST_URL)))
    jobs = asyncio.run(_job_latencies())
    home = _home_figures_pg()
    return {
        "bus_roundtrip_p50_ms_inprocess": _percentile(inprocess, 50),
        "bus_roundtrip_p50_ms_redis": _percentile(redis, 50),
        "bus_roundtrip_p95_ms_redis": _percentile(redis, 95),
        "job_latency_p50_ms_arq": _percentile(jobs, 50),
        "home_figures_p50_ms_pg": _percentile(home, 50),
        "home_figures_p95_ms_pg": _percentile(home, 95),
    }
