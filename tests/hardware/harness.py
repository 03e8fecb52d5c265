"""Shared pieces of the device-side tests: provisioned cabinets, a gateway on a given broker with
the real job hand-over, simulated cabinets with the three indicator layouts, and waiting."""

from __future__ import annotations

import asyncio
import random
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from app.audit.services.records import Actor
from app.cabinets.models import DeviceMessage
from app.cabinets.services.cabinets import apply_device_message
from app.cabinets.services.credentials import provision
from app.core.db import run_in_session, session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware.broker import embedded_gateway_config, start_embedded_broker
from hardware.gateway import BrokerConfig, Gateway
from hardware.net import free_port
from hardware.simulator.cabinet import CabinetIdentity, SimulatedCabinet
from hardware.simulator.mischief import Mischief
from hardware.simulator.weighing import LoadCell
from hardware.tasks import await_chain
from tests.factories import make_cabinet, make_tenant
from tests.hardware.own_broker import own_mosquitto

UNIT_G = {"A1": 12.5, "A2": 45.0, "A3": 180.0}


def provisioned(engine: Engine | None = None) -> tuple[CabinetIdentity, int]:
    """A cabinet of a new tenant, with codes unique on a broker shared by parallel runs."""
    with session_scope(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"T{uuid.uuid4().hex[:10]}"
        cabinet = make_cabinet(session, tenant)
        cabinet.code = f"CS{uuid.uuid4().hex[:10].upper()}"
        cabinet.mqtt_username = cabinet.code.lower()
        session.flush()
        creds = provision(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cabinet.id,
            actor=Actor(account_id=None, name="test"),
        )
        identity = CabinetIdentity(
            tenant.code, cabinet.code, cabinet.mqtt_username, bytes.fromhex(creds.secret_hex)
        )
        return identity, cabinet.id


def applying_dispatcher(
    engine: Engine | None = None, clock: Callable[[], datetime] | None = None
) -> InProcessDispatcher:
    """The gateway's hand-over, running the real `handle_device_message` service (at the
    time `clock` says, when given)."""

    async def handle_device_message(ctx: dict[str, Any], message_row_id: int) -> bool:
        return await run_in_session(
            apply_device_message,
            in_engine=engine,
            message_row_id=message_row_id,
            now=clock() if clock else None,
        )

    return InProcessDispatcher(functions={"handle_device_message": handle_device_message})


@asynccontextmanager
async def running_gateway(
    config: BrokerConfig,
    engine: Engine | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AsyncIterator[tuple[Gateway, InProcessDispatcher]]:
    dispatcher = applying_dispatcher(engine, clock)
    gateway = Gateway(
        config,
        unit_of_work=lambda: session_scope(engine),
        dispatcher=dispatcher,
        **({"clock": lambda: int(clock().timestamp() * 1000)} if clock else {}),
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    try:
        await asyncio.wait_for(gateway.connected.wait(), 10)
        yield gateway, dispatcher
    finally:
        stop.set()
        await stopped(serving, "the gateway")


@asynccontextmanager
async def embedded_broker() -> AsyncIterator[tuple[int, BrokerConfig]]:
    """The embedded amqtt broker on a free port, and a gateway configuration for it."""
    port = free_port()
    broker = await start_embedded_broker(port)
    try:
        yield port, embedded_gateway_config(port, f"gw{uuid.uuid4().hex[:10]}")
    finally:
        await stopped(broker.shutdown(), "the embedded broker")


def three_layout_cells(seed: int = 7) -> list[LoadCell]:
    rng = random.Random(seed)
    return [
        LoadCell("A1", 1, "laumas_tlu", load_g=40 * UNIT_G["A1"], rng=rng),
        LoadCell("A2", 2, "eagle_ei2000", load_g=10 * UNIT_G["A2"], rng=rng),
        LoadCell("A3", 3, "tuna_id551pn", load_g=6 * UNIT_G["A3"], rng=rng),
    ]


def simulated(
    identity: CabinetIdentity,
    broker: tuple[str, int],
    tmp_path: Path,
    *,
    mischief: Mischief | None = None,
    **options: Any,
) -> SimulatedCabinet:
    return SimulatedCabinet(
        identity,
        broker=broker,
        outbox_path=tmp_path / f"{identity.code}.outbox.sqlite",
        cells=three_layout_cells(),
        tags={"A3": [f"E200{n:08X}" for n in range(6)]},
        mischief=mischief,
        **options,
    )


@asynccontextmanager
async def powered(cabinet: SimulatedCabinet) -> AsyncIterator[SimulatedCabinet]:
    stop = asyncio.Event()
    running = asyncio.create_task(cabinet.run(stop))
    try:
        yield cabinet
    finally:
        stop.set()
        await stopped(running, "the cabinet")


async def stopped(running: Awaitable[Any], what: str, within_s: float = 30.0) -> None:
    """Await a stopping task; past `within_s`, print every task's await chain (while they are
    still stuck, before anything is cancelled) and fail naming it (a stuck teardown once cost a
    CI run pytest-timeout's 300 s and told nothing)."""
    task = asyncio.ensure_future(running)
    done, _ = await asyncio.wait({task}, timeout=within_s)
    if done:
        task.result()
        return
    for other in asyncio.all_tasks():
        print(await_chain(other), file=sys.stderr)
    task.cancel()
    raise AssertionError(f"{what} did not stop within {within_s:.0f} s")


async def until(condition: Callable[[], bool], within_s: float = 20.0) -> None:
    async with asyncio.timeout(within_s):
        while not condition():  # noqa: ASYNC110 - polling counters is the point
            await asyncio.sleep(0.05)


def stored(engine: Engine | None, cabinet_id: int) -> list[DeviceMessage]:
    """The cabinet's stored messages in the order they were committed."""
    with session_scope(engine) as session:
        query = (
            select(DeviceMessage)
            .where(DeviceMessage.cabinet_id == cabinet_id)
            .order_by(DeviceMessage.id)
        )
        return list(session.exec(query))


@asynccontextmanager
async def broker_and_gateway(
    kind: str, tenant: str, directory: Path
) -> AsyncIterator[tuple[tuple, Gateway]]:
    """Our own Mosquitto (the repo's production settings, per-cabinet credentials and ACL; an
    MQTT 5 gateway on a shared subscription) or the embedded amqtt broker (3.1.1)."""
    if kind == "mosquitto":
        with own_mosquitto(directory / "mosquitto") as broker:
            # MQTT 5 here; the replay tests use 3.1.1
            config = broker.gateway_config("gw-a", session_expiry_s=60, mqtt5=True)
            async with running_gateway(config) as (gateway, dispatcher):
                yield broker.address, gateway
                await dispatcher.drain(10)
        return
    async with embedded_broker() as (port, config), running_gateway(config) as (gateway, jobs):
        yield ("127.0.0.1", port), gateway
        await jobs.drain(10)
