"""door_close_to_commit_p99_ms: 1,000 cabinets each close a door once within one minute, at
random moments (≈ 17 door closes a second: a morning rush in which every cabinet is used once a
minute; a real cabinet sees a few hundred visits a day). Each door.closed goes the whole real
way — signed by the cabinet, through a Mosquitto running the repo's settings on the cabinet's
own connection, verified and stored by the gateway, applied by the `handle_device_messages` job
(identification against planogram and stock, the withdrawal, its lines, ledger movements, quota
usage) on PostgreSQL — and is timed from signing to the commit of that job. Every session must
commit or the run fails. (Part of `make bench BENCH=ident`.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiomqtt
from sqlmodel import Session, select

from app.cabinets.credentials import mqtt_password, provision
from app.cabinets.models import Cabinet, DeviceMessage, Slot
from app.cabinets.service import apply_device_messages
from app.core import migrations
from app.core.db import make_engine, session_scope
from app.core.jobs import InProcessDispatcher
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.service import record_movement
from app.items.models import Item
from app.org.models import User
from app.withdrawals.models import DoorSession
from hardware.gateway import BrokerConfig, Gateway
from hardware.protocol.messages import build, now_ms
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.factories import make_tenant
from tests.hardware.own_broker import own_mosquitto

CABINETS = 1000
WINDOW_S = 60.0
UNIT_G = {"A1": 12.5, "A2": 45.0, "A3": 187.0}
STOCK = 30


def _world(url: str) -> tuple[str, list[tuple[str, str, bytes, int]]]:
    """A tenant with CABINETS stocked cabinets, one open door session at each."""
    engine = make_engine(url)
    fleet = []
    with Session(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"TD{uuid.uuid4().hex[:8]}"
        items = {}
        for slot_code, grams in UNIT_G.items():
            items[slot_code] = Item(
                tenant_id=tenant.id,
                sku=f"D-{slot_code}",
                name=slot_code,
                unit_weight_g=grams,
                weight_tolerance_g=grams * 0.01,
                unit_cost_cents=100,
            )
        session.add_all(items.values())
        session.flush()
        for n in range(CABINETS):
            cabinet = Cabinet(
                tenant_id=tenant.id,
                code=f"DC{n:05d}{tenant.code[-4:]}",
                name=f"柜{n}",
                model="SC-40S",
                mqtt_username=f"dc{n:05d}{tenant.code[-4:].lower()}",
                is_online=True,
            )
            person = User(tenant_id=tenant.id, name=f"员工{n}", badge_card_no=f"CD{n:08d}")
            session.add_all([cabinet, person])
            session.flush()
            for unit, (slot_code, item) in enumerate(items.items(), start=1):
                slot = Slot(
                    tenant_id=tenant.id,
                    cabinet_id=cabinet.id,
                    code=slot_code,
                    scale_unit=unit,
                    scale_channel=1,
                )
                session.add(slot)
                session.flush()
                session.add(
                    PlanogramEntry(
                        tenant_id=tenant.id,
                        cabinet_id=cabinet.id,
                        slot_id=slot.id,
                        item_id=item.id,
                        min_qty=5,
                        par_qty=STOCK,
                    )
                )
                record_movement(
                    session=session,
                    tenant_id=tenant.id,
                    cabinet_id=cabinet.id,
                    slot_id=slot.id,
                    item_id=item.id,
                    kind=MovementKind.adjustment,
                    quantity_delta=STOCK,
                )
            door = DoorSession(
                tenant_id=tenant.id,
                cabinet_id=cabinet.id,
                user_id=person.id,
                auth_method="card",
                status="open",
            )
            session.add(door)
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="bench"),
            )
            session.flush()
            fleet.append(
                (cabinet.code, cabinet.mqtt_username, bytes.fromhex(creds.secret_hex), door.id)
            )
        code = tenant.code
        session.commit()
    engine.dispose()
    return code, fleet


def _closed(rng: random.Random, door_id: int) -> dict:
    taken = {slot: rng.choice((0, 0, 1, 1, 2)) for slot in UNIT_G}
    readings = []
    for slot, grams in UNIT_G.items():
        before = STOCK * grams + 400 + rng.gauss(0, 0.5)
        after = (STOCK - taken[slot]) * grams + 400 + rng.gauss(0, 0.5)
        readings.append(
            {
                "slot": slot,
                "before_mg": round(before * 1000),
                "after_mg": round(after * 1000),
                "stable": True,
            }
        )
    at = now_ms()
    return {"session": f"ds{door_id}", "at": at, "open_ms": 4000, "readings": readings, "rfid": []}


async def _cabinets_close(tenant: str, fleet, port: int) -> int:
    rng = random.Random(7)
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for start in range(0, len(fleet), 100):  # connect a hundred at a time
            clients += await asyncio.gather(
                *(
                    stack.enter_async_context(
                        aiomqtt.Client(
                            "127.0.0.1",
                            port,
                            username=user,
                            password=mqtt_password(secret),
                            identifier=code,
                            protocol=aiomqtt.ProtocolVersion.V311,
                        )
                    )
                    for code, user, secret, _ in fleet[start : start + 100]
                )
            )
        started = time.monotonic()

        async def close_at(client, code: str, secret: bytes, door_id: int) -> None:
            await asyncio.sleep(rng.uniform(0, WINDOW_S))
            topic, message = build(
                secret=secret,
                tenant=tenant,
                cabinet=code,
                boot="bench-boot",
                seq=0,
                message_type="door.closed",
                body=_closed(rng, door_id),
            )
            await client.publish(topic, json.dumps(message), qos=1)

        await asyncio.gather(
            *(
                close_at(client, code, secret, door_id)
                for client, (code, _, secret, door_id) in zip(clients, fleet, strict=True)
            )
        )
        return round(time.monotonic() - started)


def _cabinets_process(tenant: str, fleet, port: int, done) -> None:
    done.put(asyncio.run(_cabinets_close(tenant, fleet, port)))


async def _measure(url: str, tenant: str, fleet, broker) -> list[float]:
    engine = make_engine(url)
    latencies: list[float] = []

    async def handle_device_messages(ctx, message_row_ids: list[int]) -> int:
        def apply() -> int:
            with session_scope(engine) as session:
                return apply_device_messages(session=session, message_row_ids=message_row_ids)

        applied = await asyncio.to_thread(apply)
        committed = now_ms()
        with Session(engine) as session:
            rows = session.exec(
                select(DeviceMessage).where(DeviceMessage.id.in_(message_row_ids))
            ).all()
            latencies.extend(committed - r.payload["ts"] for r in rows if r.type == "door.closed")
        return applied

    async def handle_device_message(ctx, message_row_id: int) -> int:  # a batch of one
        return await handle_device_messages(ctx, [message_row_id])

    config = BrokerConfig.from_url(broker.url, client_id=f"bench-gw-{uuid.uuid4().hex[:8]}")
    gateway = Gateway(
        config,
        unit_of_work=lambda: session_scope(engine),
        dispatcher=InProcessDispatcher(
            functions={
                "handle_device_messages": handle_device_messages,
                "handle_device_message": handle_device_message,
            }
        ),
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    process = context.Process(target=_cabinets_process, args=(tenant, fleet, broker.port, done))
    process.start()
    await asyncio.to_thread(process.join)
    try:
        async with asyncio.timeout(120):
            while len(latencies) < len(fleet):  # noqa: ASYNC110 - waiting for the last commits
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(
            f"{len(latencies)} of {len(fleet)} doors committed; {gateway.stats}"
        ) from None
    stop.set()
    await serving
    with Session(engine) as session:
        committed = session.exec(select(DoorSession).where(DoorSession.status == "committed")).all()
        if len(committed) != len(fleet):
            raise AssertionError(f"{len(committed)} of {len(fleet)} sessions committed")
    engine.dispose()
    return latencies


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        tenant, fleet = _world(url)
        engine = make_engine(url)
        with (
            tempfile.TemporaryDirectory() as directory,
            own_mosquitto(Path(directory), engine) as broker,
        ):
            latencies = asyncio.run(_measure(url, tenant, fleet, broker))
        engine.dispose()
        cuts = statistics.quantiles(latencies, n=100)
        return {
            "door_close_to_commit_p50_ms": round(cuts[49], 1),
            "door_close_to_commit_p99_ms": round(cuts[98], 1),
        }
    finally:
        _drop_pg_database(name)
