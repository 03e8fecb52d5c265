"""The wall dashboard for SOAK_MINUTES (10) of traffic: does the server's memory per screen stay
bounded? Same topology as `bench_wall` (production backend, Redis, PostgreSQL, Mosquitto, the
real door-close path): SCREENS walls open, a door closes every CLOSE_EVERY_S, and every minute
CHURN screens go away (a dropped network) while as many new ones open, so the fan-out's and the
state manager's bookkeeping of gone screens is exercised too.

Metrics: wall_soak_minutes; wall_soak_rss_mb_start / _end (all server processes, sampled after
a warm-up minute and at the end); wall_soak_growth_kb_per_screen ((end − start) ÷ screens);
wall_soak_growth_mb_second_half (end − the sample at half time: a leak keeps growing there,
a warming cache does not); wall_soak_updates (updates the screens received, to show the
traffic was real). The per-minute RSS series is printed.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
import uuid
from dataclasses import dataclass

from sqlmodel import Session

from app.core.bus import RedisBus
from app.core.db import make_engine
from app.withdrawals.models import DoorSession
from tests.bench.bench_wall import LOAD, Screen, _close, _gateway, served_wall
from tests.bench.door_close_fleet import STOCK, World
from tests.bench.live_server import memory_bytes, open_tabs

REDIS_URL = os.environ.get("BENCH_WALL_REDIS_URL", "redis://127.0.0.1:6379/11")
CLOSE_EVERY_S = 2.0
CABINETS = 20


@dataclass(frozen=True)
class Soak:
    minutes: float = float(os.environ.get("BENCH_WALL_SOAK_MINUTES", "10"))
    screens: int = 50
    churn: int = 5  # screens replaced every minute
    # RSS is sampled as the start after this: each web worker loads the app when its first
    # screen arrives, which on a busy machine can take the first minutes (+60–80 MB a worker)
    warm_up_s: float = 60.0
    # screens opened and closed before the soak, so that every web worker has loaded the app
    # (a worker that gets its first screen late adds its load to the growth measured)
    warm_screens: int = 0


def _open_door(url: str, world: World, index: int) -> int:
    cabinet = world.cabinets[index]
    engine = make_engine(url)
    with Session(engine) as session:
        door = DoorSession(
            tenant_id=world.tenant_id,
            cabinet_id=cabinet.cabinet_id,
            user_id=cabinet.person_id,
            auth_method="card",
            status="open",
        )
        session.add(door)
        session.commit()
        door_id = door.id
    engine.dispose()
    return door_id


async def _soak(
    plan: Soak, url: str, db_url: str, world: World, token: str, broker, pid: int
) -> dict:
    bus = RedisBus(REDIS_URL)
    gateway, stop = _gateway(db_url, broker, bus), asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)
    if plan.warm_screens:
        warm = [Screen(url, token) for _ in range(plan.warm_screens)]
        await open_tabs([w.tab for w in warm], LOAD)
        await asyncio.sleep(5)
        await asyncio.gather(*(w.tab.stop() for w in warm), return_exceptions=True)
    walls = [Screen(url, token) for _ in range(plan.screens)]
    await open_tabs([w.tab for w in walls], LOAD)
    started = time.monotonic()
    ends = started + plan.minutes * 60
    rss_start, closes, updates, next_churn = None, 0, 0, started + 60
    series: list[tuple[float, int]] = []  # (minutes in, RSS)
    try:
        while time.monotonic() < ends:
            index = closes % CABINETS
            door = await asyncio.to_thread(_open_door, db_url, world, index)
            on_shelf = STOCK - closes // CABINETS  # A1 loses one a visit
            await _close(world, broker, index, door, f"s{uuid.uuid4().hex[:8]}", on_shelf)
            closes += 1
            await asyncio.sleep(CLOSE_EVERY_S)
            if rss_start is None and time.monotonic() - started > plan.warm_up_s:
                rss_start = memory_bytes(pid)
            if time.monotonic() > next_churn:
                next_churn += 60
                series.append(((time.monotonic() - started) / 60, memory_bytes(pid)))
                gone, walls = walls[: plan.churn], walls[plan.churn :]
                updates += sum(len(w.counts) for w in gone)
                await asyncio.gather(*(w.tab.stop() for w in gone), return_exceptions=True)
                fresh = [Screen(url, token) for _ in range(plan.churn)]
                await open_tabs([w.tab for w in fresh], LOAD)
                walls += fresh
        await asyncio.sleep(5)  # the last updates arrive; then what the server holds now
        rss_end = memory_bytes(pid)
        series.append(((time.monotonic() - started) / 60, rss_end))
        updates += sum(len(w.counts) for w in walls)
    finally:
        await asyncio.gather(*(w.tab.stop() for w in walls), return_exceptions=True)
        stop.set()
        await serving
        await bus.close()
    print("  RSS by minute:", ", ".join(f"{m:.0f}′ {b / 2**20:.1f} MB" for m, b in series))
    half = min(series, key=lambda point: abs(point[0] - plan.minutes / 2))[1]
    if updates < closes * plan.screens // 2:
        raise AssertionError(f"the screens saw {updates} updates for {closes} door closes")
    return {
        "wall_soak_minutes": plan.minutes,
        "wall_soak_closes": closes,
        "wall_soak_updates": updates,
        "wall_soak_rss_mb_start": round(rss_start / 2**20, 1),
        "wall_soak_rss_mb_end": round(rss_end / 2**20, 1),
        "wall_soak_growth_kb_per_screen": round((rss_end - rss_start) / 1024 / plan.screens, 1),
        "wall_soak_growth_mb_second_half": round((rss_end - half) / 2**20, 1),
    }


def soak(plan: Soak, *, backend_only: bool = False) -> dict[str, float]:
    return served_wall(CABINETS, functools.partial(_soak, plan), backend_only=backend_only)


def run() -> dict[str, float]:
    return soak(Soak())
