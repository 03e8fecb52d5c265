"""The wall dashboard under load, on the production topology: the Reflex backend as `reflex run
--env prod` serves it (Redis state manager and bus, PostgreSQL), N wall screens of one tenant
open on `/wall/<token>` over websockets, answering the server's pokes as the page does.

A door closes at a cabinet the real way — signed, through a Mosquitto running the repo's
settings on the cabinet's own connection, verified and stored by the gateway, applied by the
job (identification, withdrawal, ledger), its door event published on the Redis bus — and the
time runs from the cabinet signing `door.closed` until the screen's state holds the new count of
today's visits. CLOSES doors, one after another; every screen must see every one.

Metrics (N = 50 and 200 screens): wall_p50_ms_<N>, wall_p95_ms_<N> (target p95 < 1000 for
200), and wall_server_cpu_ms_<N>: the server's CPU per door close (all of its processes).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiomqtt
import redis
from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.services.cabinets import apply_device_messages
from app.cabinets.services.credentials import mqtt_password
from app.core import migrations
from app.core.announce import take_announcements
from app.core.bus import RedisBus
from app.core.db import make_engine, session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from app.wall import service
from app.wall.state.wall import WallState
from hardware.gateway import Gateway
from hardware.net import free_port
from hardware.protocol.messages import build
from tests.bench.door_close_fleet import STOCK, World, build_world, closed_body, open_doors
from tests.bench.live_server import Tab, cpu_seconds, open_tabs, serve_backend, stop_backend
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.hardware.own_broker import own_mosquitto

REDIS_URL = os.environ.get("BENCH_WALL_REDIS_URL", "redis://127.0.0.1:6379/11")
SCREENS = tuple(int(n) for n in os.environ.get("BENCH_WALL_SCREENS", "50,200").split(","))
CLOSES = 10
CABINETS = CLOSES * len(SCREENS)
GAP_S = 1.5
LOAD = f"{WallState.get_full_name()}.load"
ARRIVED = f"{WallState.get_full_name()}.arrived"


def _today_count(data: object) -> int | None:
    """The `today_count` a state delta carries, wherever Reflex nests it."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key.startswith("today_count") and isinstance(value, int):
                return value
            found = _today_count(value)
            if found is not None:
                return found
    return None


class Screen:
    def __init__(self, url: str, token: str) -> None:
        self.counts: dict[int, float] = {}  # today's count → when the screen first held it
        self.tab = Tab(url, f"/wall/{token}", answers=frozenset({ARRIVED}), on_message=self.note)

    def note(self, data: dict, when: float) -> None:
        count = _today_count(data.get("delta"))
        if count is not None:
            self.counts.setdefault(count, when)


def _display(url: str, world: World) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        _, token = service.create_display(
            session=session,
            scope=TenantScope.single(world.tenant_id),
            tenant_id=world.tenant_id,
            name="压测大屏",
            actor=Actor(account_id=None, name="bench"),
        )
        session.commit()
    engine.dispose()
    return token


def _gateway(url: str, broker, bus: RedisBus) -> Gateway:
    """The gateway with the job applied beside it; its announcements go on the Redis bus."""
    engine = make_engine(url)

    async def handle_device_messages(ctx, message_row_ids: list[int]) -> int:
        def apply() -> tuple[int, list]:
            with session_scope(engine) as session:
                applied = apply_device_messages(session=session, message_row_ids=message_row_ids)
            return applied, take_announcements(session)

        applied, announcements = await asyncio.to_thread(apply)
        for channel, data in announcements:
            await bus.publish(channel, data)
        return applied

    async def handle_device_message(ctx, message_row_id: int) -> int:
        return await handle_device_messages(ctx, [message_row_id])

    config = broker.gateway_config("gw-a")
    dispatcher = InProcessDispatcher(
        functions={
            "handle_device_messages": handle_device_messages,
            "handle_device_message": handle_device_message,
        }
    )
    return Gateway(config, unit_of_work=lambda: session_scope(engine), dispatcher=dispatcher)


async def _close(
    world: World, broker, index: int, door_id: int, boot: str, on_shelf: int = STOCK
) -> float:
    """Close one door as its cabinet does; when the cabinet signed it (epoch seconds)."""
    cabinet = world.cabinets[index]
    async with aiomqtt.Client(
        "127.0.0.1",
        broker.port,
        username=cabinet.mqtt_username,
        password=mqtt_password(cabinet.secret),
        identifier=cabinet.code,
        protocol=aiomqtt.ProtocolVersion.V311,
    ) as client:
        topic, message = build(
            secret=cabinet.secret,
            tenant=world.tenant_code,
            cabinet=cabinet.code,
            boot=boot,
            seq=0,
            message_type="door.closed",
            body=closed_body(random.Random(index), door_id, {"A1": 1}, on_shelf),
        )
        await client.publish(topic, json.dumps(message), qos=1)
        return message["ts"] / 1000


async def _round(url: str, world: World, token: str, broker, screens: int, first: int, doors, pid):
    """`screens` screens open; CLOSES doors close, at cabinets `first`, `first` + 1, …"""
    walls = [Screen(url, token) for _ in range(screens)]
    await open_tabs([w.tab for w in walls], LOAD)
    await asyncio.sleep(2)
    latencies: list[float] = []
    cpu_before = cpu_seconds(pid)
    try:
        for n in range(first, first + CLOSES):
            base = max(max(w.counts, default=0) for w in walls)
            door = doors[world.cabinets[n].cabinet_id]
            signed = await _close(world, broker, n, door, f"b{uuid.uuid4().hex[:8]}")
            deadline = time.monotonic() + 30
            while any(base + 1 not in w.counts for w in walls):
                if time.monotonic() > deadline:
                    missing = sum(base + 1 not in w.counts for w in walls)
                    raise AssertionError(f"{missing} of {screens} screens never showed close {n}")
                await asyncio.sleep(0.01)
            latencies += [(w.counts[base + 1] - signed) * 1000 for w in walls]
            await asyncio.sleep(GAP_S)
        cpu = cpu_seconds(pid) - cpu_before
    finally:
        await asyncio.gather(*(w.tab.stop() for w in walls), return_exceptions=True)
    cuts = statistics.quantiles(latencies, n=100)
    return {
        f"wall_p50_ms_{screens}": round(cuts[49], 1),
        f"wall_p95_ms_{screens}": round(cuts[94], 1),
        f"wall_server_cpu_ms_{screens}": round(1000 * cpu / CLOSES, 1),
    }


async def _measure(url: str, db_url: str, world: World, token: str, broker, pid: int) -> dict:
    bus = RedisBus(REDIS_URL)
    gateway, stop = _gateway(db_url, broker, bus), asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)
    doors = await asyncio.to_thread(open_doors, db_url, world)
    figures: dict[str, float] = {}
    try:
        for index, screens in enumerate(SCREENS):
            figures |= await _round(url, world, token, broker, screens, index * CLOSES, doors, pid)
    finally:
        stop.set()
        await serving
        await bus.close()
    return figures


def served_wall(cabinets: int, measure, *, backend_only: bool = False) -> dict[str, float]:
    """A world of `cabinets`, one wall display, Mosquitto and the production server around
    `measure(url, db_url, world, token, broker, server_pid)` (a coroutine function)."""
    name, db_url = _create_pg_database()
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    try:
        migrations.upgrade(db_url)
        world = build_world(db_url, cabinets=cabinets)
        token = _display(db_url, world)
        engine = make_engine(db_url)
        port = free_port()
        with (
            tempfile.TemporaryDirectory() as directory,
            own_mosquitto(Path(directory) / "mqtt", engine) as broker,
        ):
            server = serve_backend(
                db_url, REDIS_URL, port, Path(directory), backend_only=backend_only
            )
            try:
                url = f"http://127.0.0.1:{port}"
                figures = asyncio.run(measure(url, db_url, world, token, broker, server.pid))
            finally:
                stop_backend(server)
        engine.dispose()
        return figures
    finally:
        queue.flushdb()
        queue.close()
        _drop_pg_database(name)


def run() -> dict[str, float]:
    return served_wall(CABINETS, _measure)
