"""What one door close costs the worker: SQL statements and CPU per `door.closed`, applied
through the real job (`app.jobs.handle_device_messages`) from real stored DeviceMessage rows, on
PostgreSQL, in the world of the door-close benchmark (tests/bench/door_close_fleet.py: stocked
cabinets with planograms, one person each, a door session open at each) with the drills'
noise-free bodies (tests/drills/fleet.py: every close commits a withdrawal).

Metrics:
- close_statements / close_cpu_ms_job: CLOSES closes handed over in jobs of BATCH messages (the size
  of a gateway's batch), per close. Statements are counted by a `before_cursor_execute`
  listener (an executemany is one statement: one round trip); CPU is this process's
  `process_time` (the worker's own cost: the ORM, the job, the driver), not PostgreSQL's.
- close_statements_single / close_cpu_ms_job_single: the same closes, one message per job.
A first round of as many closes warms the process and is not recorded; each round takes at
most 2 units a slot, of 30 on the shelf.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event, update
from sqlalchemy.engine import Engine

from app.cabinets.models import Cabinet, DeviceMessage, DoorState, MessageStatus
from app.core import migrations
from app.core.config import get_settings
from app.core.db import get_engine, session_scope
from app.jobs import handle_device_messages
from tests.bench.door_close_fleet import World, build_world, open_doors
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.drills.fleet import closed_body, taken_at

CLOSES = int(os.environ.get("BENCH_CLOSES", "100"))
BATCH = 20


@contextmanager
def job_database(url: str) -> Iterator[Engine]:
    """The jobs' process-wide engine pointed at `url` (and the in-process bus), then restored."""
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "REDIS_URL")}
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        yield get_engine()
    finally:
        get_engine().dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        get_engine.cache_clear()


def store_closes(engine: Engine, world: World, doors: dict[int, int], tag: str) -> list[int]:
    """One stored `door.closed` per cabinet, as the gateway stores them (each door open, as its
    `door.opened` left it): their row ids."""
    ids = []
    with session_scope(engine) as session:
        opened = update(Cabinet).where(Cabinet.tenant_id == world.tenant_id)
        session.exec(opened.values(door_state=DoorState.open.value))  # as door.opened left it
        for n, cabinet in enumerate(world.cabinets):
            row = DeviceMessage(
                tenant_id=world.tenant_id,
                cabinet_id=cabinet.cabinet_id,
                message_id=f"{tag}-{n}",
                boot_id=tag,
                seq=1,
                type="door.closed",
                device_ts=datetime.now(UTC),
                payload={"body": closed_body(doors[cabinet.cabinet_id], taken_at(n))},
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return ids


def measure(engine: Engine, ids: list[int], batch: int) -> tuple[float, float]:
    """Statements and CPU milliseconds per close, the closes handed over `batch` to a job."""
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    started = time.process_time()
    try:
        for at in range(0, len(ids), batch):
            asyncio.run(handle_device_messages({}, ids[at : at + batch]))
    finally:
        cpu = time.process_time() - started
        event.remove(engine, "before_cursor_execute", count)
    return statements / len(ids), cpu * 1000 / len(ids)


def committed(engine: Engine, ids: list[int]) -> None:
    """Every close applied (a benchmark of closes that failed would measure nothing)."""
    with session_scope(engine) as session:
        rows = [session.get(DeviceMessage, i) for i in ids]
        left = [r.id for r in rows if r.status != MessageStatus.processed.value]
    if left:
        raise RuntimeError(f"closes not applied: {left}")


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        world = build_world(url, CLOSES)
        figures = {}
        with job_database(url) as engine:
            # a first round warms the process (imports, compiled statements), not measured
            for suffix, batch in (("_warm", BATCH), ("", BATCH), ("_single", 1)):
                doors = open_doors(url, world)
                ids = store_closes(engine, world, doors, suffix or "batch")
                statements, cpu_ms = measure(engine, ids, batch)
                committed(engine, ids)
                figures[f"close_statements{suffix}"] = round(statements, 1)
                figures[f"close_cpu_ms_job{suffix}"] = round(cpu_ms, 1)
            del figures["close_statements_warm"], figures["close_cpu_ms_job_warm"]
        return figures
    finally:
        _drop_pg_database(name)
