"""Fault drills on the production shape (tests/drills/site.py): 2 gateway processes on the shared
subscription of a Mosquitto with the repo's settings, 2 arq worker processes, Redis, PostgreSQL;
cabinets running the firmware's outbox close their doors in a burst while something fails.
Each drill ends with the count (tests/drills/fleet.py): 0 withdrawals lost, 0 doubled, each
exactly what was taken, every door.closed stored and applied once, the ledger reconciled, every
cabinet's outbox acknowledged. A process that died of the fault is started again, as a
supervisor would, and the drill says so."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from app.core import migrations
from app.core.db import make_engine
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.drills.fleet import (
    DrillFleet,
    Verdict,
    build_world,
    decided,
    open_doors,
    unapplied,
    verdict,
)
from tests.drills.postgres import own_postgres
from tests.drills.site import Site, restart_mosquitto, running_site
from tests.drills.storm import storm
from tests.hardware.own_broker import OwnMosquitto, own_mosquitto
from tests.services import require_postgres

pytestmark = pytest.mark.drills

CABINETS = 40
WINDOW_S = 8.0  # the burst: every door closed once within it
DOWN_S = 3.0  # how long a restarted service stays away
# stranded messages are handed over again once 30 s old, by a sweep every 15 s
DECIDED_WITHIN_S = 150.0


@dataclass
class Drill:
    url: str
    world: object
    doors: dict[int, int]
    broker: OwnMosquitto
    site: Site
    directory: Path

    def decided(self) -> int:
        return decided(self.url, self.doors)

    def settled(self) -> bool:
        """Every door decided and every stored message applied."""
        return self.decided() == CABINETS and unapplied(self.url, self.world.tenant_id) == 0


@contextmanager
def drill_on(url: str, directory: Path) -> Iterator[Drill]:
    migrations.upgrade(url)
    world = build_world(url, CABINETS)
    doors = open_doors(url, world)
    engine = make_engine(url)
    try:
        with (
            own_mosquitto(directory / "broker", engine) as broker,
            running_site(url, broker, directory) as site,
        ):
            yield Drill(url, world, doors, broker, site, directory)
    finally:
        engine.dispose()


@pytest.fixture
def database_url() -> Iterator[str]:
    """A new database on the machine's PostgreSQL."""
    require_postgres()
    name, url = _create_pg_database()
    yield url
    _drop_pg_database(name)


async def _until(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within_s:.0f} s")
        await asyncio.sleep(0.2)


async def _burst(drill: Drill, fault: Callable[[], Awaitable[str]]) -> Verdict:
    """The fleet closes every door within WINDOW_S while `fault` happens; then every door must
    be decided and every message acknowledged; the count."""
    fleet_dir = drill.directory / "fleet"
    fleet_dir.mkdir(exist_ok=True)
    started = time.monotonic()
    async with DrillFleet(drill.world, drill.doors, drill.broker.address, fleet_dir) as fleet:
        closing = asyncio.create_task(fleet.close_doors(WINDOW_S))
        happened = await fault()
        await closing
        try:
            await _until(drill.settled, DECIDED_WITHIN_S, "every door and message")
            await fleet.all_acknowledged(60)
        except (AssertionError, TimeoutError):
            print(drill.site.logs())
            raise AssertionError(
                f"{drill.decided()} of {CABINETS} doors decided, "
                f"{unapplied(drill.url, drill.world.tenant_id)} messages unapplied, "
                f"{fleet.unacknowledged()} messages unacknowledged after: {happened}"
            ) from None
        died = await asyncio.to_thread(drill.site.revive_dead)
        await _until(lambda: not drill.site.unhealthy(), 30, "every process healthy again")
    count = verdict(drill.url, drill.world, drill.doors)
    print(f"\n  {happened}; all decided in {time.monotonic() - started:.0f} s\n  {count}")
    assert died == [], f"died of the fault (a supervisor had to start them again): {died}"
    return count


def _in_progress(site: Site) -> list[bytes]:
    return redis.Redis.from_url(site.redis.url).keys("arq:in-progress:*")


def _jobs_in_hand(site: Site, within_s: float = 30) -> None:
    """Returns the moment a job waits in the queue or runs (polled every 2 ms)."""
    queue = redis.Redis.from_url(site.redis.url)
    deadline = time.monotonic() + within_s
    while not (queue.zcard("arq:queue") or queue.keys("arq:in-progress:*")):
        if time.monotonic() > deadline:
            raise AssertionError(f"no job queued or running within {within_s:.0f} s")
        time.sleep(0.002)


def _orphaned(site: Site, jobs: list[bytes]) -> list[str]:
    """Of the jobs in progress, those still so 2 s on: their worker died with them."""
    time.sleep(2)
    queue = redis.Redis.from_url(site.redis.url)
    return [key.decode().rsplit(":", 1)[-1] for key in jobs if queue.exists(key)]


async def test_a_worker_killed_mid_job_loses_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with drill_on(database_url, tmp_path) as drill:
        site = drill.site
        other = site.workers["w2"].popen
        other.send_signal(signal.SIGSTOP)  # paused: the job caught in hand is surely w1's

        async def kill_w1_mid_job() -> str:
            for attempt in range(1, 6):
                await _until(lambda: bool(_in_progress(site)), 30, "a job in progress")
                held = await asyncio.to_thread(_in_progress, site)
                site.workers["w1"].kill()
                orphans = await asyncio.to_thread(_orphaned, site, held)
                await asyncio.to_thread(site.start, site.workers["w1"])
                if orphans:
                    other.send_signal(signal.SIGCONT)
                    return f"w1 killed (try {attempt}) with job {orphans} in hand, started again"
            other.send_signal(signal.SIGCONT)
            raise AssertionError("w1 was never caught in the middle of a job")

        count = await _burst(drill, kill_w1_mid_job)
    assert count.clean, count


def _down_and_back(
    drill: Drill,
    what: str,
    down: Callable[[], None],
    back: Callable[[], None],
    first: Callable[[], None] = lambda: None,
) -> Callable[[], Awaitable[str]]:
    """The fault: once a quarter of the doors are decided (and `first` has returned), `down`;
    DOWN_S later, `back`."""

    async def fault() -> str:
        await _until(lambda: drill.decided() >= CABINETS // 4, 60, "a quarter decided")
        await asyncio.to_thread(first)
        at = drill.decided()
        await asyncio.to_thread(down)
        await asyncio.sleep(DOWN_S)
        await asyncio.to_thread(back)
        return f"{what} at {at} of {CABINETS} doors decided, back {DOWN_S:.0f} s later"

    return fault


async def test_a_gateway_killed_mid_burst_loses_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with drill_on(database_url, tmp_path) as drill:
        gateway = drill.site.gateways["gw-a"]
        fault = _down_and_back(
            drill, "gw-a killed", gateway.kill, lambda: drill.site.start(gateway)
        )
        count = await _burst(drill, fault)
    assert count.clean, count


async def test_redis_restarted_mid_burst_loses_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with drill_on(database_url, tmp_path) as drill:
        server = drill.site.redis  # its queue dies with it: nothing is persisted
        in_hand = lambda: _jobs_in_hand(drill.site)  # noqa: E731
        fault = _down_and_back(drill, "Redis killed", server.kill, server.start, in_hand)
        count = await _burst(drill, fault)
    assert count.clean, count


async def test_mosquitto_restarted_mid_burst_loses_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with drill_on(database_url, tmp_path) as drill:
        broker = drill.broker
        fault = _down_and_back(
            drill, "Mosquitto killed", broker.process.kill, lambda: restart_mosquitto(broker)
        )
        count = await _burst(drill, fault)
    assert count.clean, count


async def test_postgresql_restarted_mid_burst_loses_and_doubles_nothing(tmp_path: Path) -> None:
    with own_postgres() as server:
        admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text('CREATE DATABASE "drill"'))
        admin.dispose()
        url = server.url.rsplit("/", 1)[0] + "/drill"
        with drill_on(url, tmp_path) as drill:
            fault = _down_and_back(drill, "PostgreSQL crashed", server.crash, server.start)
            count = await _burst(drill, fault)
    assert count.clean, count


STORM = 10_000


async def test_a_storm_of_10000_redeliveries_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    with drill_on(database_url, tmp_path) as drill:

        async def nothing() -> str:
            return "no fault"

        before = await _burst(drill, nothing)
        assert before.clean, before
        started = time.monotonic()
        sent, answered = await storm(
            drill.url, drill.world, drill.broker.port, STORM, within_s=DECIDED_WITHIN_S
        )
        seconds = time.monotonic() - started
        await _until(drill.settled, 60, "every message applied")
        after = verdict(drill.url, drill.world, drill.doors)
        died = await asyncio.to_thread(drill.site.revive_dead)
    print(f"\n  storm: {sent} copies sent, {answered} answered in {seconds:.1f} s\n  {after}")
    assert sent == STORM and answered == sent  # every copy answered, none left to resend
    assert after == before, "the storm changed what the burst had decided"
    assert died == [], died
