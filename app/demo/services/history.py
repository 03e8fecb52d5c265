"""Thirty days of plausible cabinet use, recorded through the real stock ledger.

Office hours in Asia/Shanghai on weekdays (a trickle at weekends); slots that fall under
their minimum are restocked by the provider's staff each evening through a restock door
session and a closed replenishment work order — except the last day, whose shortfalls stay
open (work order + alert) so the console has something to act on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.alerts.models import Alert, Severity
from app.cabinets.models import Cabinet, Slot
from app.core.i18n import t
from app.core.model_base import pk
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.org.models import User
from app.quotas.services.quotas import Taken, record_usage
from app.tenants.models import ProviderStaff, Tenant
from app.withdrawals.models import (
    AuthMethod,
    DoorSession,
    SessionPurpose,
    SessionStatus,
    Withdrawal,
    WithdrawalLine,
    WithdrawalSource,
)
from app.withdrawals.services.commit import low_stock_key
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderLine, WorkOrderStatus

ZONE = ZoneInfo("Asia/Shanghai")
DAYS = 30
AUTH_METHODS = (AuthMethod.qr, AuthMethod.qr, AuthMethod.card, AuthMethod.card, AuthMethod.pin)


@dataclass
class SlotPlan:
    slot: Slot
    item: Item
    min_qty: int
    par_qty: int
    quantity: int


@dataclass
class CabinetLayout:
    cabinet: Cabinet
    slots: list[SlotPlan] = field(default_factory=list)

    def add_slot(self, slot: Slot, item: Item, min_qty: int, par_qty: int) -> None:
        self.slots.append(SlotPlan(slot, item, min_qty, par_qty, par_qty))

    def readings(self) -> dict[str, float]:
        """What the scales would read now, in grams (items only; tare excluded)."""
        return {p.slot.code: round(p.quantity * p.item.unit_weight_g, 1) for p in self.slots}


def scale_readings(before: dict[str, float], after: dict[str, float]) -> dict[str, dict[str, Any]]:
    """A visit's readings as the cabinet's `door.closed` reports them (and the live path keeps
    them): per slot, before and after in milligrams, steady."""
    return {
        slot: {
            "slot": slot,
            "before_mg": round(before[slot] * 1000),
            "after_mg": round(after[slot] * 1000),
            "stable": True,
        }
        for slot in sorted(before)
    }


@dataclass
class TenantWorld:
    tenant: Tenant
    people: list[User]
    layouts: list[CabinetLayout]
    restocker: ProviderStaff
    provider_id: int


def _local(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), ZONE).astimezone(UTC)


def _visit_times(rng: random.Random, day: date, now: datetime) -> list[datetime]:
    count = rng.randint(10, 18) if day.weekday() < 5 else rng.randint(0, 2)
    times = sorted(
        _local(day, rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))
        for _ in range(count)
    )
    return [t for t in times if t < now]


def _take(rng: random.Random, plan: SlotPlan) -> int:
    if plan.item.unit_weight_g > 1000:
        return 1
    return min(plan.quantity, rng.choice((1, 1, 1, 2, 2, 3)))


def _withdraw(session: Session, rng: random.Random, world: TenantWorld, at: datetime) -> int:
    layout = rng.choice(world.layouts)
    candidates = [p for p in layout.slots if p.quantity > 0 and not p.item.requires_approval]
    if not candidates:
        return 0
    person = rng.choice(world.people)
    picks = rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 1, 2, 2, 3))))
    before = layout.readings()
    auth_method = rng.choice(AUTH_METHODS).value
    closed_at = at + timedelta(seconds=rng.randint(15, 70))  # drawn in this order: same demo
    door = DoorSession(
        tenant_id=pk(world.tenant),
        cabinet_id=pk(layout.cabinet),
        user_id=person.id,
        auth_method=auth_method,
        status=SessionStatus.committed.value,
        opened_at=at,
        closed_at=closed_at,
        created_at=at - timedelta(seconds=3),
    )
    session.add(door)
    session.flush()
    taken = [(plan, _take(rng, plan)) for plan in picks]
    withdrawal = Withdrawal(
        tenant_id=pk(world.tenant),
        door_session_id=door.id,
        cabinet_id=pk(layout.cabinet),
        user_id=pk(person),
        department_id=person.department_id,
        source=WithdrawalSource.weight.value,
        total_qty=sum(q for _, q in taken),
        total_cost_cents=sum(p.item.unit_cost_cents * q for p, q in taken),
        created_at=closed_at,
    )
    session.add(withdrawal)
    session.flush()
    for plan, quantity in taken:
        session.add(
            WithdrawalLine.of(
                withdrawal,
                item_id=pk(plan.item),
                slot_id=plan.slot.id,
                quantity=quantity,
                unit_cost_cents=plan.item.unit_cost_cents,
            )
        )
        record_movement(
            session=session,
            tenant_id=pk(world.tenant),
            cabinet_id=pk(layout.cabinet),
            slot_id=pk(plan.slot),
            item_id=pk(plan.item),
            kind=MovementKind.withdrawal,
            quantity_delta=-quantity,
            door_session_id=door.id,
            withdrawal_id=withdrawal.id,
            at=closed_at,
        )
        plan.quantity -= quantity
    record_usage(session, person, [Taken(p.item, q) for p, q in taken], closed_at)
    door.readings_after = scale_readings(before, layout.readings())
    door.identification = {
        "method": "weight",
        "lines": [{"slot": p.slot.code, "item": p.item.sku, "qty": q} for p, q in taken],
    }
    return 1


def _restock(
    session: Session, world: TenantWorld, layout: CabinetLayout, low: list[SlotPlan], at: datetime
) -> None:
    door = DoorSession(
        tenant_id=pk(world.tenant),
        cabinet_id=pk(layout.cabinet),
        provider_staff_id=world.restocker.id,
        purpose=SessionPurpose.restock.value,
        auth_method=AuthMethod.card.value,
        status=SessionStatus.committed.value,
        opened_at=at,
        closed_at=at + timedelta(minutes=6),
        created_at=at,
    )
    before = layout.readings()
    order = WorkOrder(
        tenant_id=pk(world.tenant),
        provider_id=world.provider_id,
        cabinet_id=layout.cabinet.id,
        kind=WorkOrderKind.replenishment.value,
        status=WorkOrderStatus.done.value,
        title=f"{layout.cabinet.name}（{layout.cabinet.code}）补货",
        title_key="workorder.restock_visit",
        title_params={"cabinet": layout.cabinet.name, "code": layout.cabinet.code},
        dedupe_key=f"replenish:cabinet:{layout.cabinet.id}:{at:%Y%m%d}",
        assignee_staff_id=world.restocker.id,
        created_at=at - timedelta(hours=2),
        closed_at=door.closed_at,
    )
    session.add_all([door, order])
    session.flush()
    order.door_session_id = door.id
    for plan in low:
        refill = plan.par_qty - plan.quantity
        session.add(
            WorkOrderLine(
                tenant_id=pk(world.tenant),
                work_order_id=pk(order),
                slot_id=plan.slot.id,
                item_id=pk(plan.item),
                quantity_requested=refill,
                quantity_done=refill,
            )
        )
        record_movement(
            session=session,
            tenant_id=pk(world.tenant),
            cabinet_id=pk(layout.cabinet),
            slot_id=pk(plan.slot),
            item_id=pk(plan.item),
            kind=MovementKind.restock,
            quantity_delta=refill,
            door_session_id=door.id,
            at=door.closed_at,
        )
        plan.quantity = plan.par_qty
    door.readings_after = scale_readings(before, layout.readings())


def _leave_open(
    session: Session, world: TenantWorld, layout: CabinetLayout, low: list[SlotPlan], now: datetime
) -> None:
    for plan in low:
        key = f"replenish:slot:{plan.slot.id}:item:{plan.item.id}"
        params = {
            "cabinet": layout.cabinet.name,
            "code": layout.cabinet.code,
            "slot": plan.slot.code,
            "item": plan.item.name,
            "stock": plan.quantity,
            "minimum": plan.min_qty,
        }
        order = WorkOrder(
            tenant_id=pk(world.tenant),
            provider_id=world.provider_id,
            cabinet_id=layout.cabinet.id,
            kind=WorkOrderKind.replenishment.value,
            title=t("workorder.replenish", "zh-CN", **params)[:200],
            title_key="workorder.replenish",
            title_params=params,
            dedupe_key=key,
            created_at=now - timedelta(minutes=30),
        )
        session.add(order)
        session.flush()
        session.add(
            WorkOrderLine(
                tenant_id=pk(world.tenant),
                work_order_id=pk(order),
                slot_id=plan.slot.id,
                item_id=pk(plan.item),
                quantity_requested=plan.par_qty - plan.quantity,
            )
        )
        session.add(
            Alert(
                tenant_id=pk(world.tenant),
                cabinet_id=layout.cabinet.id,
                kind="low_stock",
                root_key=low_stock_key(plan.slot, plan.item),
                severity=Severity.warning.value,
                message_key="alert.low_stock",
                params={
                    "cabinet": layout.cabinet.name,
                    "slot": plan.slot.code,
                    "item": plan.item.name,
                    "quantity": plan.quantity,
                    "min": plan.min_qty,
                },
                raised_at=now - timedelta(minutes=30),
            )
        )


def seed_history(
    *, session: Session, worlds: list[TenantWorld], now: datetime, rng: random.Random
) -> dict[str, int]:
    """Generate the last DAYS days of withdrawals and restocks up to `now`."""
    today = now.astimezone(ZONE).date()
    withdrawals = restocks = 0
    # The last two working days' shortfalls stay open so the console has work to show, on
    # whatever day of the week the demo is made.
    working = [
        today - timedelta(days=n) for n in range(DAYS) if (today - timedelta(days=n)).weekday() < 5
    ]
    open_from = min(working[:2], default=today)
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        for world in worlds:
            for at in _visit_times(rng, day, now):
                withdrawals += _withdraw(session, rng, world, at)
            for layout in world.layouts:
                low = [p for p in layout.slots if p.quantity < p.min_qty]
                if not low:
                    continue
                evening = _local(day, 18, 30)
                if day >= open_from or evening >= now:
                    continue
                _restock(session, world, layout, low, evening)
                restocks += 1
    for world in worlds:
        for layout in world.layouts:
            low = [p for p in layout.slots if p.quantity < p.min_qty]
            _leave_open(session, world, layout, low, now)
    session.flush()
    return {"withdrawals": withdrawals, "restocks": restocks}
