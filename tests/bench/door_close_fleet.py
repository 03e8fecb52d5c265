"""The 1,000 cabinets of the door-close benchmark: the world in PostgreSQL (a tenant, stocked
cabinets with their planograms and credentials, one person each) and the cabinets' side, run in
a process of its own: every cabinet on its own MQTT connection with its own credentials, a
heartbeat on connecting and every 30 s (as the firmware does: 33 a second for 1,000 cabinets, the
load the jobs carry beside the doors), and one door closed at a random moment of the window."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import time
import uuid
from dataclasses import dataclass

import aiomqtt
from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, Slot
from app.cabinets.services.credentials import mqtt_password, provision
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.org.models import User
from app.withdrawals.models import DoorSession
from hardware.protocol.messages import build, now_ms
from tests.factories import make_planogram_entry, make_tenant

CABINETS = 1000
WINDOW_S = 60.0
HEARTBEAT_S = 30.0
SETTLE_S = 3.0  # after the fleet connected (and said its first heartbeat), before the window
UNIT_G = {"A1": 12.5, "A2": 45.0, "A3": 187.0}
STOCK = 30

ANSWERS = os.environ.get("BENCH_ANSWERS", "1") != "0"  # protocol v1.1: msg.ack per message


@dataclass(frozen=True)
class BenchCabinet:
    code: str
    mqtt_username: str
    secret: bytes
    person_id: int
    cabinet_id: int


@dataclass(frozen=True)
class World:
    tenant_id: int
    tenant_code: str
    cabinets: list[BenchCabinet]


def _items(session: Session, tenant_id: int) -> dict[str, Item]:
    items = {
        slot_code: Item(
            tenant_id=tenant_id,
            sku=f"D-{slot_code}",
            name=slot_code,
            unit_weight_g=grams,
            weight_tolerance_g=grams * 0.01,
            unit_cost_cents=100,
        )
        for slot_code, grams in UNIT_G.items()
    }
    session.add_all(items.values())
    session.flush()
    return items


def _stock(session: Session, cabinet: Cabinet, items: dict[str, Item]) -> None:
    for unit, (slot_code, item) in enumerate(items.items(), start=1):
        slot = Slot(
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            code=slot_code,
            scale_unit=unit,
            scale_channel=1,
        )
        session.add(slot)
        session.flush()
        make_planogram_entry(session, slot, item, min_qty=5, par_qty=STOCK)
        record_movement(
            session=session,
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=STOCK,
        )


def build_world(url: str, cabinets: int = CABINETS) -> World:
    """A tenant with `cabinets` stocked cabinets and one person for each."""
    engine = make_engine(url)
    fleet = []
    with Session(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"TD{uuid.uuid4().hex[:8]}"
        items = _items(session, tenant.id)
        for n in range(cabinets):
            cabinet = Cabinet(
                tenant_id=tenant.id,
                code=f"DC{n:05d}{tenant.code[-4:]}",
                name=f"柜{n}",
                model="SC-40S",
                mqtt_username=f"dc{n:05d}{tenant.code[-4:].lower()}",
                is_online=True,
                protocol="1.1" if ANSWERS else "1",  # as its boot would have said
            )
            person = User(tenant_id=tenant.id, name=f"员工{n}", badge_card_no=f"CD{n:08d}")
            session.add_all([cabinet, person])
            session.flush()
            _stock(session, cabinet, items)
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="bench"),
            )
            fleet.append(
                BenchCabinet(
                    cabinet.code,
                    cabinet.mqtt_username,
                    bytes.fromhex(creds.secret_hex),
                    person.id,
                    cabinet.id,
                )
            )
        world = World(tenant.id, tenant.code, fleet)
        session.commit()
    engine.dispose()
    return world


def open_doors(url: str, world: World) -> dict[int, int]:
    """A door session open at every cabinet, as after a badge and an unlock: cabinet → door."""
    engine = make_engine(url)
    with Session(engine) as session:
        doors = {
            c.cabinet_id: DoorSession(
                tenant_id=world.tenant_id,
                cabinet_id=c.cabinet_id,
                user_id=c.person_id,
                auth_method="card",
                status="open",
            )
            for c in world.cabinets
        }
        session.add_all(doors.values())
        session.commit()
        opened = {cabinet_id: door.id for cabinet_id, door in doors.items()}
    engine.dispose()
    return opened


def closed_body(
    rng: random.Random, door_id: int, taken: dict[str, int] | None = None, on_shelf: int = STOCK
) -> dict:
    """A `door.closed` body: `taken` units per slot (random when not given) of `on_shelf`."""
    taken = taken or {slot: rng.choice((0, 0, 1, 1, 2)) for slot in UNIT_G}
    readings = []
    for slot, grams in UNIT_G.items():
        before = on_shelf * grams + 400 + rng.gauss(0, 0.5)
        after = (on_shelf - taken.get(slot, 0)) * grams + 400 + rng.gauss(0, 0.5)
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


class _Cabinet:
    """One cabinet's side: heartbeats until the window ends, its door closed once within it."""

    def __init__(self, client, cabinet: BenchCabinet, tenant: str, boot: str) -> None:
        self.client, self.cabinet, self.tenant, self.boot = client, cabinet, tenant, boot
        self.door = "open"
        self.connected = time.monotonic()

    async def send(self, message_type: str, body: dict) -> None:
        topic, message = build(
            secret=self.cabinet.secret,
            tenant=self.tenant,
            cabinet=self.cabinet.code,
            boot=self.boot,
            seq=0,  # the one sequenced message of this boot; heartbeats are not sequenced
            message_type=message_type,
            body=body,
        )
        await self.client.publish(topic, json.dumps(message), qos=1)

    async def heartbeat(self) -> None:
        uptime = round(time.monotonic() - self.connected)
        await self.send("heartbeat", {"uptime_s": uptime, "door": self.door, "outbox": 0})

    async def heartbeats(self, phase_s: float, until: float) -> None:
        """Every HEARTBEAT_S from `phase_s` into the window: fleets do not beat in step."""
        await asyncio.sleep(phase_s)
        while time.monotonic() < until:
            await self.heartbeat()
            await asyncio.sleep(HEARTBEAT_S)

    async def close_door(self, rng: random.Random, door_id: int) -> None:
        await asyncio.sleep(rng.uniform(0, WINDOW_S))
        self.door = "closed"
        await self.send("door.closed", closed_body(rng, door_id))


def cabinet_client(port: int, cabinet: BenchCabinet, **options) -> aiomqtt.Client:
    """The cabinet's own MQTT connection (its credentials, its code as the client id)."""
    return aiomqtt.Client(
        "127.0.0.1",
        port,
        username=cabinet.mqtt_username,
        password=mqtt_password(cabinet.secret),
        identifier=cabinet.code,
        protocol=aiomqtt.ProtocolVersion.V311,
        **options,
    )


async def _run_cabinets(world: World, doors: dict[int, int], port: int, boot: str) -> int:
    rng = random.Random(7)
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for start in range(0, len(world.cabinets), 100):  # connect a hundred at a time
            clients += await asyncio.gather(
                *(
                    stack.enter_async_context(cabinet_client(port, c))
                    for c in world.cabinets[start : start + 100]
                )
            )
        fleet = [
            _Cabinet(client, c, world.tenant_code, boot)
            for client, c in zip(clients, world.cabinets, strict=True)
        ]
        if ANSWERS:  # v1.1 cabinets hear every answer on their command topic
            await asyncio.gather(
                *(
                    client.subscribe(f"cc/v1/{world.tenant_code}/{c.code}/cmd", qos=1)
                    for client, c in zip(clients, world.cabinets, strict=True)
                )
            )
        await asyncio.gather(*(c.heartbeat() for c in fleet))
        await asyncio.sleep(SETTLE_S)
        started = time.monotonic()
        until = started + WINDOW_S
        await asyncio.gather(
            *(c.close_door(rng, doors[c.cabinet.cabinet_id]) for c in fleet),
            *(c.heartbeats(rng.uniform(0, HEARTBEAT_S), until) for c in fleet),
        )
        return round(time.monotonic() - started)


def cabinets_process(world: World, doors: dict[int, int], port: int, boot: str, done) -> None:
    """The entry point of the cabinets' process (forked): puts the window's length on `done`."""
    done.put(asyncio.run(_run_cabinets(world, doors, port, boot)))
