"""The camera end to end on the embedded defaults (issue 17): a demo cabinet simulated from its
planogram draws its shelf before and after a visit and uploads both over HTTP, signed, to the
real REST app served on a port; `door.closed` names them; the gateway hands the close to the
real jobs, the session waits for the camera, `see_door` runs the committed detector over the
stored images and the visit is decided with the camera's counts beside the scale's."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import httpx
from granian.constants import Interfaces
from granian.server.embed import Server
from sqlmodel import select

import app.jobs  # noqa: F401 - every job registered, see_door among them
from app.api import build_api
from app.cabinets.models import Cabinet, CabinetSnapshot
from app.core.db import session_scope
from app.core.jobs import get_dispatcher, reset_dispatcher
from app.demo.services.demo import seed_demo
from app.inventory.models import Stock
from app.items.models import Item
from app.withdrawals.models import SESSION_PREFIX, DoorSession, Withdrawal, WithdrawalLine
from hardware.gateway import Gateway
from hardware.net import free_port
from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.fleet import fleet_from_database
from hardware.simulator.run import FleetOptions, build_cabinet
from tests.hardware.harness import embedded_broker, until
from vision.appearance import LOOKS

CABINET = "CAB-XY-003"


@asynccontextmanager
async def serving_api():
    """The REST app on a real port, in this event loop (granian, as Reflex serves it)."""
    port = free_port()
    server = Server(build_api(), address="127.0.0.1", port=port, interface=Interfaces.ASGI)
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.get(f"{url}/api/nothing-here")
                break
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    try:
        yield url
    finally:
        server.stop()
        await task


@asynccontextmanager
async def gateway_with_jobs(config):
    await reset_dispatcher()  # the app's own in-process jobs, on this test's event loop
    gateway = Gateway(config, unit_of_work=session_scope, dispatcher=get_dispatcher())
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    try:
        await asyncio.wait_for(gateway.connected.wait(), 10)
        yield gateway
    finally:
        stop.set()
        await serving
        await reset_dispatcher()


def _easiest_slot(spec) -> str:
    """A watched slot whose stock lies flat in view: the fewest square millimetres."""
    watched = [w for w in spec.watched if w.looks and spec.stock[w.slot][1] >= 2]
    return min(
        watched,
        key=lambda w: LOOKS[w.looks].length_mm * LOOKS[w.looks].width_mm * spec.stock[w.slot][1],
    ).slot


def _door_id(ref: str) -> int:
    return int(ref.removeprefix(SESSION_PREFIX))


def _decided(ref: str) -> bool:
    with session_scope() as session:
        door = session.get(DoorSession, _door_id(ref))
        return door is not None and door.status in ("committed", "exception")


async def test_a_visit_is_seen_by_the_camera_and_decided_with_it(tmp_path) -> None:
    with session_scope() as session:
        seed_demo(session=session)  # once per database: the demo world of `make run`
    with session_scope() as session:
        (spec,) = fleet_from_database(session, 1, codes=[CABINET])
        cabinet_id = session.exec(select(Cabinet.id).where(Cabinet.code == CABINET)).one()
    assert len(spec.watched) == 12  # the SC-40S: a shelf camera per scale bank
    slot = _easiest_slot(spec)
    stop = asyncio.Event()
    async with (
        serving_api() as api_url,
        embedded_broker() as (port, config),
        gateway_with_jobs(config),
    ):
        options = FleetOptions(
            broker=("127.0.0.1", port),
            outbox_dir=tmp_path,
            visits_per_min=0,
            heartbeat_s=1,
            api_url=api_url,
        )
        cabinet = build_cabinet(spec, options, seed=3)
        running = asyncio.create_task(cabinet.run(stop))
        door = await badge(cabinet, spec.cards[0])
        assert door is not None
        body = await open_take_close(cabinet, door, {slot: 1}, unit_g=spec.unit_g)
        await until(lambda: _decided(door["session"]), 60)
        stop.set()
        await running
    assert len(body["snapshots"]["before"]) == len(body["snapshots"]["after"]) == 3
    with session_scope() as session:
        decided = session.get(DoorSession, _door_id(door["session"]))
        stored = session.exec(
            select(CabinetSnapshot).where(
                CabinetSnapshot.cabinet_id == cabinet_id,
                CabinetSnapshot.session == door["session"],
            )
        ).all()
        vision = decided.identification["vision"]
        taken = session.exec(
            select(Item.vision_class, WithdrawalLine.quantity)
            .join(Withdrawal, Withdrawal.id == WithdrawalLine.withdrawal_id)
            .join(Item, Item.id == WithdrawalLine.item_id)
            .where(Withdrawal.door_session_id == decided.id)
        ).all()
        left = session.exec(
            select(Stock.quantity)
            .join(Item, Item.id == Stock.item_id)
            .where(Stock.cabinet_id == cabinet_id, Item.vision_class == spec_look(spec, slot))
        ).one()
    assert {s.phase for s in stored} == {"before", "after"} and len(stored) == 6
    assert set(vision["seen"]) == {s.snapshot_id for s in stored}  # every image looked at
    assert all(ms < 1000 for ms in vision["ms"].values())
    assert slot in vision["slots"]  # counted per slot region
    cameras = [r for r in decided.identification["readings"] if r["source"] == "vision"]
    assert len(cameras) == 12  # the camera voted (or abstained) on every watched scale
    assert decided.status == "committed", decided.identification
    assert taken == [(spec_look(spec, slot), 1)]
    assert left == spec.stock[slot][1] - 1


def spec_look(spec, slot: str) -> str:
    return next(w.looks for w in spec.watched if w.slot == slot)
