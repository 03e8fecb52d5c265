"""A closed door session turned into records: identification against the cabinet's planogram and
stock, then one withdrawal with its lines, the ledger movements, quota usage and replenishment —
all in the caller's transaction (app/withdrawals/services/sessions.py drives it)."""

from __future__ import annotations

from typing import TypedDict

from sqlmodel import Session, col

from app.alerts.service import raise_once, resolve
from app.cabinets.models import Cabinet, Slot
from app.core.model_base import pk, utcnow
from app.core.tenancy import TenantScope, scoped_select
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.metrics import observe
from app.org.models import User
from app.quotas.services import quotas
from app.webhooks.services import hooks as webhooks
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine, WithdrawalSource
from app.withdrawals.services.prefetch import plan_of, reserve_withdrawal_id
from app.withdrawals.services.recognition import Taken
from app.workorders.models import WorkOrderKind
from app.workorders.services.workorders import PickLine, close_order, open_once


def commit(
    session: Session,
    cabinet: Cabinet,
    door: DoorSession,
    taken: Taken,
    source: WithdrawalSource = WithdrawalSource.weight,
) -> Withdrawal | None:
    """One withdrawal with its lines and the ledger movements, in the caller's transaction."""
    if not taken:
        return None  # opened and closed, nothing taken: the session is the whole record
    person = session.get_one(User, door.user_id)
    # a door never reported closed (a person resolved it) is dated now, as the column's default
    at = door.closed_at or utcnow()
    withdrawal = Withdrawal(
        id=reserve_withdrawal_id(session),
        tenant_id=cabinet.tenant_id,
        door_session_id=door.id,
        cabinet_id=pk(cabinet),
        user_id=pk(person),
        department_id=person.department_id,
        source=source.value,
        total_qty=sum(n for _, _, n in taken),
        total_cost_cents=sum(n * item.unit_cost_cents for _, item, n in taken),
        created_at=at,
    )
    session.add(withdrawal)
    if withdrawal.id is None:  # no batch's id: the insert gives it
        session.flush()
    if source != WithdrawalSource.manual:  # a person's later correction is no close's latency
        observe.withdrawal_committed(session, door.closed_at)
    plan = _plan(session, cabinet, taken)
    session.add_all(  # inserted together by the next flush
        WithdrawalLine.of(
            withdrawal,
            item_id=pk(item),
            slot_id=slot.id,
            quantity=n,
            unit_cost_cents=item.unit_cost_cents,
        )
        for slot, item, n in taken
    )
    webhooks.withdrawal_changed(session, withdrawal, "withdrawal.committed")
    for slot, item, n in taken:
        movement = record_movement(
            session=session,
            tenant_id=cabinet.tenant_id,
            cabinet_id=pk(cabinet),
            slot_id=pk(slot),
            item_id=pk(item),
            kind=MovementKind.withdrawal,
            quantity_delta=-n,
            door_session_id=door.id,
            withdrawal_id=withdrawal.id,
            at=door.closed_at,
        )
        entry = plan.get((pk(slot), pk(item)))
        _replenish_if_low(session, cabinet, slot, item, movement.balance_after, entry)
    _check_restricted(session, cabinet, door, person, taken)
    overruns = quotas.record_usage(
        session, person, [quotas.Taken(item, n) for _, item, n in taken], at
    )
    if overruns:
        door.identification = (door.identification or {}) | {
            "over_quota": [
                {
                    "rule": o.rule.id,
                    "name": o.rule.name,
                    "used": o.used,
                    "limit": o.rule.limit_value,
                    "policy": o.policy,
                }
                for o in overruns
            ]
        }
        for overrun in overruns:
            if overrun.policy == "notify_manager":
                _tell_the_manager(session, cabinet, person, overrun)
    return withdrawal


class _Beyond(TypedDict):
    item: int | None
    name: str
    quantity: int


def _check_restricted(
    session: Session, cabinet: Cabinet, door: DoorSession, person: User, taken: Taken
) -> None:
    """Items that need an approval, taken beyond what the approval that opened the door covers:
    recorded (they are gone) but flagged on the session and raised to the admins."""
    approval = (door.identification or {}).get("approval") or {}
    allowed = approval.get("quantity", 0)
    beyond: list[_Beyond] = []
    for _slot, item, n in taken:
        if not item.requires_approval:
            continue
        covered = min(n, allowed) if approval.get("item") in (None, item.id) else 0
        allowed -= covered
        if n > covered:
            beyond.append({"item": item.id, "name": item.name, "quantity": n - covered})
    if not beyond:
        return
    door.identification = (door.identification or {}) | {"restricted_without_approval": beyond}
    raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind="restricted_taken",
        root_key=f"restricted:door:{door.id}",
        message_key="alert.restricted_taken",
        params={"person": person.name, "items": "、".join(b["name"] for b in beyond)},
    )


def _tell_the_manager(
    session: Session, cabinet: Cabinet, person: User, overrun: quotas.Overrun
) -> None:
    """One alert per person, rule and period (repeats count occurrences) for the admins."""
    raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind="quota_exceeded",
        root_key=f"quota:{overrun.rule.id}:{person.id}:{overrun.period_start.isoformat()}",
        message_key="alert.quota_exceeded",
        params={
            "person": person.name,
            "rule": overrun.rule.name,
            "used": overrun.used,
            "limit": overrun.rule.limit_value,
        },
    )


def replenish_key(slot: Slot, item: Item) -> str:
    return f"replenish:slot:{slot.id}:item:{item.id}"


def low_stock_key(slot: Slot, item: Item) -> str:
    return f"low_stock:slot:{slot.id}:item:{item.id}"


def _plan(
    session: Session, cabinet: Cabinet, taken: Taken
) -> dict[tuple[int, int], PlanogramEntry]:
    """The planogram entries of the slots and items taken (the running batch's, else in one
    query)."""
    plan = plan_of(session, cabinet)
    if plan is not None:
        slot_ids = {slot.id for slot, _, _ in taken}
        return {(e.slot_id, e.item_id): e for e in plan.entries if e.slot_id in slot_ids}
    entries = session.exec(
        scoped_select(PlanogramEntry, TenantScope.single(cabinet.tenant_id)).where(
            PlanogramEntry.cabinet_id == cabinet.id,
            col(PlanogramEntry.slot_id).in_({slot.id for slot, _, _ in taken}),
        )
    )
    return {(e.slot_id, e.item_id): e for e in entries}


def _replenish_if_low(
    session: Session,
    cabinet: Cabinet,
    slot: Slot,
    item: Item,
    left: int,
    entry: PlanogramEntry | None,
) -> None:
    """Below the slot's minimum: one work order for the provider (however many withdrawals
    follow), asking for what brings the slot back to its par level, and one low-stock alert for
    the tenant's consoles (a repeat counts an occurrence, with the latest quantity)."""
    if entry is None or left >= entry.min_qty:
        return
    alert = raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind="low_stock",
        root_key=low_stock_key(slot, item),
        message_key="alert.low_stock",
        params={
            "cabinet": cabinet.name,
            "slot": slot.code,
            "item": item.name,
            "quantity": left,
            "min": entry.min_qty,
        },
    )
    if alert.occurrences == 1:  # once per episode: until the slot is restocked
        webhooks.stock_low(session, cabinet, slot, item, left, entry.min_qty, alert.raised_at)
    open_once(
        session=session,
        cabinet=cabinet,
        kind=WorkOrderKind.replenishment,
        dedupe_key=replenish_key(slot, item),
        title_key="workorder.replenish",
        title_params={
            "cabinet": cabinet.name,
            "code": cabinet.code,
            "slot": slot.code,
            "item": item.name,
            "stock": left,
            "minimum": entry.min_qty,
        },
        lines=[PickLine(slot.id, pk(item), max(entry.par_qty - left, 1))],
    )


def commit_restock(session: Session, cabinet: Cabinet, door: DoorSession, added: Taken) -> None:
    """Restock movements; a replenishment order of a slot back at or above its minimum is done."""
    plan = _plan(session, cabinet, added)
    for slot, item, n in added:
        movement = record_movement(
            session=session,
            tenant_id=cabinet.tenant_id,
            cabinet_id=pk(cabinet),
            slot_id=pk(slot),
            item_id=pk(item),
            kind=MovementKind.restock,
            quantity_delta=-n,  # n < 0: units put in
            door_session_id=door.id,
            at=door.closed_at,
        )
        entry = plan.get((pk(slot), pk(item)))
        if entry is not None and movement.balance_after >= entry.min_qty:
            resolve(
                session=session,
                tenant_id=cabinet.tenant_id,
                root_key=low_stock_key(slot, item),
                now=door.closed_at,
            )
            close_order(
                session=session,
                tenant_id=cabinet.tenant_id,
                dedupe_key=replenish_key(slot, item),
                done={pk(item): -n},
                door_session_id=door.id,
                at=door.closed_at,
            )
