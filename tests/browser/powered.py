"""A simulated CAB-XY-001 powered up beside `make run`'s embedded broker, for the browser tests
that need a real cabinet on the wire: it runs on its own event loop in a thread (Playwright owns
the test thread's), with credentials made with the app's own key."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, Slot
from app.cabinets.services.credentials import provision
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item
from app.tenants.models import Tenant
from hardware.simulator.cabinet import CabinetIdentity, SimulatedCabinet
from hardware.simulator.fleet import SimulatedSpec, spec_of

if TYPE_CHECKING:
    from tests.browser.conftest import RunningApp

CODE = "CAB-XY-001"


@dataclass
class Powered:
    cabinet: SimulatedCabinet
    loop: asyncio.AbstractEventLoop
    spec: SimulatedSpec

    def run(self, coroutine) -> object:
        """Run a coroutine on the cabinet's own event loop (Playwright owns this thread's)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)


def cabinet_spec(app: RunningApp) -> tuple[SimulatedSpec, int]:
    """CAB-XY-001 as planned and stocked, with credentials made with the app's own key."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == CODE)).one()
            tenant = session.get(Tenant, cabinet.tenant_id)
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="test"),
                secret_key=(app.data_dir / "secret_key").read_text().strip(),
            )
            session.commit()
            identity = CabinetIdentity(
                tenant.code, CODE, creds.mqtt_username, bytes.fromhex(creds.secret_hex)
            )
            return spec_of(session, cabinet, identity), cabinet.id
    finally:
        engine.dispose()


def is_online(app: RunningApp, cabinet_id: int) -> bool:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.get(Cabinet, cabinet_id).is_online
    finally:
        engine.dispose()


def until(condition, within_s: float, failure: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def item_on(app: RunningApp, slot_code: str) -> str:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.exec(
                select(Item.name)
                .join(Stock, Stock.item_id == Item.id)
                .join(Slot, Slot.id == Stock.slot_id)
                .join(Cabinet, Cabinet.id == Slot.cabinet_id)
                .where(Cabinet.code == CODE, Slot.code == slot_code)
            ).one()
    finally:
        engine.dispose()


def slot_about_to_run_low(app: RunningApp, spec: SimulatedSpec) -> tuple[str, str, int]:
    """(slot, item, units to take) that bring one slot of the cabinet just below its minimum:
    a slot not low yet, whose item needs no approval, with the fewest units to take."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(Slot.code, Item.name, Stock.quantity, PlanogramEntry.min_qty)
                .join(Stock, Stock.slot_id == Slot.id)
                .join(Item, Item.id == Stock.item_id)
                .join(
                    PlanogramEntry,
                    (PlanogramEntry.slot_id == Slot.id) & (PlanogramEntry.item_id == Item.id),
                )
                .join(Cabinet, Cabinet.id == Slot.cabinet_id)
                .where(Cabinet.code == spec.identity.code, Item.requires_approval.is_(False))
            ).all()
    finally:
        engine.dispose()
    candidates = [
        (quantity - minimum + 1, slot, item)
        for slot, item, quantity, minimum in rows
        if quantity >= minimum
        and slot in (spec.stock or {})
        and spec.stock[slot][1] >= quantity - minimum + 1
    ]
    take, slot, item = min(candidates)
    return slot, item, take
