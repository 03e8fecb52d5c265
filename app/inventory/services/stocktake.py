"""Stocktakes (盘点): counting a cabinet and correcting its stock to the count (single
adjustments for damage, expiry or loss are in app/inventory/services/adjustments.py).

A stocktake counts one cabinet: started (one line per planned or stocked slot and item, with the
ledger's quantity and the scale's suggestion), counted, then submitted. Each line's difference
(counted − ledger when submitted) becomes one `adjustment` movement. When the differences are
worth more than the tenant's `stocktake_approval_cents` policy, the stocktake waits until
someone else holding `stock:adjust` approves it (or rejects it: nothing is written). Every step
is audited; a refused step writes nothing (everything is checked before the first write).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CabinetStatus, Slot, SlotKind
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.inventory.models import (
    MovementKind,
    PlanogramEntry,
    Stock,
    StockMovement,
    Stocktake,
    StocktakeLine,
    StocktakeStatus,
)
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.tenants.services.policies import WholeNumber, whole_number
from app.withdrawals.models import DoorSession

# Differences worth more than this (Σ |difference| × unit cost, in fen) wait for an approver.
APPROVAL = WholeNumber("stocktake_approval_cents", 50_000, 0, 100_000_000)
MAX_COUNT = 100_000  # more than any slot holds: a typo, not a count


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _audit(session: Session, action: str, row: Stocktake, actor: Actor, **after: Any) -> None:
    audit.record(
        session=session,
        action=action,
        entity="stocktake",
        entity_id=row.id,
        tenant_id=row.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        after={"cabinet_id": row.cabinet_id, "status": row.status, **after},
        ip=actor.ip,
    )


def _latest_weights(session: Session, cabinet: Cabinet, slots: list[Slot]) -> dict[int, float]:
    """Each scale slot's newest net reading in grams: the last door-closed reading or the last
    idle window's mean, whichever is newer."""
    door = session.exec(
        select(DoorSession)
        .where(
            DoorSession.cabinet_id == cabinet.id,
            col(DoorSession.closed_at).is_not(None),
            col(DoorSession.readings_after).is_not(None),
        )
        .order_by(col(DoorSession.closed_at).desc())
        .limit(1)
    ).first()
    closed_at = as_utc(door.closed_at) if door else None
    weights: dict[int, float] = {}
    for slot in slots:
        if slot.kind != SlotKind.scale.value:
            continue
        reading = (door.readings_after or {}).get(slot.code) if door else None
        idle_at = slot.idle_at.replace(tzinfo=slot.idle_at.tzinfo or UTC) if slot.idle_at else None
        idle_mg = slot.idle_mean_mg
        if idle_mg is not None and (
            reading is None or (idle_at and closed_at and idle_at > closed_at)
        ):  # the idle window is newer
            weights[pk(slot)] = idle_mg / 1000
        elif isinstance(reading, dict) and isinstance(reading.get("after_mg"), int | float):
            weights[pk(slot)] = reading["after_mg"] / 1000
    return weights


def suggested_count(weight_g: float | None, unit_weight_g: float) -> int | None:
    """What a net weight says of the units on a scale (None when it cannot say)."""
    if weight_g is None or unit_weight_g <= 0:
        return None
    return max(round(weight_g / unit_weight_g), 0)


def _pairs(session: Session, cabinet_id: int) -> list[tuple[Slot, Item, int]]:
    """(slot, item, ledger quantity) of every planned or stocked pair of the cabinet."""
    planned = session.exec(
        select(PlanogramEntry.slot_id, PlanogramEntry.item_id).where(
            PlanogramEntry.cabinet_id == cabinet_id
        )
    ).all()
    stock = {
        (s.slot_id, s.item_id): s.quantity
        for s in session.exec(select(Stock).where(Stock.cabinet_id == cabinet_id))
    }
    keys = sorted(set(planned) | {k for k, q in stock.items() if q > 0})
    slots = {s.id: s for s in session.exec(select(Slot).where(Slot.cabinet_id == cabinet_id))}
    items = {
        i.id: i for i in session.exec(select(Item).where(col(Item.id).in_({k[1] for k in keys})))
    }
    pairs = [(slots[s], items[i], stock.get((s, i), 0)) for s, i in keys]
    return sorted(pairs, key=lambda p: (p[0].code, p[1].sku))


def open_stocktake(session: Session, cabinet_id: int) -> Stocktake | None:
    return session.exec(
        select(Stocktake).where(
            Stocktake.cabinet_id == cabinet_id,
            col(Stocktake.status).in_(
                [StocktakeStatus.counting.value, StocktakeStatus.waiting.value]
            ),
        )
    ).first()


def start_stocktake(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> Stocktake:
    """A new count of a cabinet of the scope; refused while another is open there."""
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    if cabinet.status == CabinetStatus.retired.value:
        raise ValidationError("stocktake.cabinet_retired", field="cabinet", cabinet=cabinet.name)
    if open_stocktake(session, pk(cabinet)) is not None:
        raise ValidationError("stocktake.already_open", field="cabinet", cabinet=cabinet.name)
    pairs = _pairs(session, pk(cabinet))
    weights = _latest_weights(session, cabinet, [slot for slot, _, _ in pairs])
    items_per_slot: dict[int, int] = {}
    for slot, _, _ in pairs:
        items_per_slot[pk(slot)] = items_per_slot.get(pk(slot), 0) + 1
    row = Stocktake(
        tenant_id=cabinet.tenant_id,
        cabinet_id=pk(cabinet),
        counted_by_account_id=actor.account_id,
        counted_by_name=(actor.name or "")[:80],
        started_at=_now(now),
    )
    session.add(row)
    session.flush()
    for slot, item, quantity in pairs:
        # a scale weighs the whole slot: it suggests a count only for a slot of one item
        weight = weights.get(pk(slot)) if items_per_slot[pk(slot)] == 1 else None
        session.add(
            StocktakeLine(
                tenant_id=row.tenant_id,
                stocktake_id=pk(row),
                slot_id=pk(slot),
                item_id=pk(item),
                ledger_qty=quantity,
                suggested_qty=suggested_count(weight, item.unit_weight_g),
                unit_cost_cents=item.unit_cost_cents,
            )
        )
    session.flush()
    _audit(session, "stocktake.start", row, actor, lines=len(pairs))
    return row


def _in_status(
    session: Session, scope: TenantScope, stocktake_id: int, status: StocktakeStatus
) -> Stocktake:
    row = get_scoped_or_raise(session, Stocktake, stocktake_id, scope)
    if row.status != status.value:
        raise ValidationError(f"stocktake.not_{status.value}", field="status", status=row.status)
    return row


def lines_of(session: Session, stocktake_id: int) -> list[tuple[StocktakeLine, Slot]]:
    rows = session.exec(
        select(StocktakeLine, Slot)
        .join(Slot, col(Slot.id) == StocktakeLine.slot_id)
        .where(StocktakeLine.stocktake_id == stocktake_id)
        .order_by(Slot.code, col(StocktakeLine.item_id))
    )
    return list(rows.all())


def _whole(value: object, slot: str) -> int:
    """A counted quantity: a whole number from 0 to MAX_COUNT, else the slot is named."""
    if isinstance(value, bool):
        raise ValidationError("stocktake.bad_count", field="counted", slot=slot)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValidationError("stocktake.bad_count", field="counted", slot=slot)
    return value


def _checked_counts(
    lines: list[tuple[StocktakeLine, Slot]], counts: Mapping[int, object]
) -> dict[int, int]:
    """{line id: count} for every line, from `counts` or as already recorded; any line left
    uncounted, a bad count or a line of another stocktake is refused naming the slot."""
    by_id = {line.id: slot for line, slot in lines}
    unknown = set(counts) - set(by_id)
    if unknown:
        raise ValidationError(field="line", line=min(unknown))
    checked: dict[int, int] = {}
    for line, slot in lines:
        value = counts.get(pk(line), line.counted_qty)
        if value is None or value == "":
            raise ValidationError("stocktake.uncounted", field="counted", slot=slot.code)
        checked[pk(line)] = _whole(value, slot.code)
    return checked


def submit_stocktake(
    *,
    session: Session,
    scope: TenantScope,
    stocktake_id: int,
    counts: Mapping[int, object],
    actor: Actor,
    note: str | None = None,
    now: datetime | None = None,
) -> Stocktake:
    """Record the counts and submit: applied at once, or waiting for an approver when the
    differences are worth more than the tenant's threshold."""
    row = _in_status(session, scope, stocktake_id, StocktakeStatus.counting)
    lines = lines_of(session, pk(row))
    checked = _checked_counts(lines, counts)
    note = (note or "").strip()[:200] or None
    stock = {
        (s.slot_id, s.item_id): s.quantity
        for s in session.exec(select(Stock).where(Stock.cabinet_id == row.cabinet_id))
    }
    costs = dict(
        session.exec(
            select(Item.id, Item.unit_cost_cents).where(
                col(Item.id).in_({line.item_id for line, _ in lines})
            )
        ).all()
    )
    value = 0
    for line, _ in lines:
        line.counted_qty = checked[pk(line)]
        line.ledger_qty = stock.get((line.slot_id, line.item_id), 0)
        line.unit_cost_cents = costs.get(line.item_id, line.unit_cost_cents)
        value += abs(line.counted_qty - line.ledger_qty) * line.unit_cost_cents
        session.add(line)
    at = _now(now)
    row.difference_cents, row.submitted_at, row.note = value, at, note
    threshold = whole_number(session, row.tenant_id, APPROVAL)
    row.status = StocktakeStatus.waiting.value if value > threshold else row.status
    session.add(row)
    session.flush()
    _audit(session, "stocktake.submit", row, actor, difference_cents=value, threshold=threshold)
    if row.status == StocktakeStatus.counting.value:
        _apply(session, row, lines, actor, at)
    return row


def _apply(
    session: Session,
    row: Stocktake,
    lines: list[tuple[StocktakeLine, Slot]],
    actor: Actor,
    at: datetime,
) -> list[StockMovement]:
    """Each line's difference as one adjustment movement (all checked before the first)."""
    stock = {
        (s.slot_id, s.item_id): s.quantity
        for s in session.exec(select(Stock).where(Stock.cabinet_id == row.cabinet_id))
    }
    for line, slot in lines:
        available = stock.get((line.slot_id, line.item_id), 0)
        if available + _counted(line) - line.ledger_qty < 0:
            raise ValidationError(
                "stocktake.below_zero", field="counted", slot=slot.code, available=available
            )
    reason = f"盘点 stocktake #{row.id}" + (f": {row.note}" if row.note else "")
    movements = [
        record_movement(
            session=session,
            tenant_id=row.tenant_id,
            cabinet_id=row.cabinet_id,
            slot_id=line.slot_id,
            item_id=line.item_id,
            kind=MovementKind.adjustment,
            quantity_delta=_counted(line) - line.ledger_qty,
            actor_account_id=actor.account_id,
            reason=reason[:255],
            at=at,
        )
        for line, _ in lines
        if line.counted_qty != line.ledger_qty
    ]
    row.status, row.decided_at = StocktakeStatus.applied.value, at
    session.add(row)
    session.flush()
    _audit(session, "stocktake.apply", row, actor, movements=len(movements))
    return movements


def _counted(line: StocktakeLine) -> int:
    """A submitted line's count (submitting records a count on every line)."""
    if line.counted_qty is None:
        raise ValueError(f"stocktake line {line.id} was submitted uncounted")
    return line.counted_qty


def _decider(row: Stocktake, actor: Actor) -> None:
    """Only someone other than the counter approves or rejects a count."""
    if actor.account_id is None or actor.account_id == row.counted_by_account_id:
        raise PermissionDeniedError("stocktake.approver_is_counter")


def approve_stocktake(
    *,
    session: Session,
    scope: TenantScope,
    stocktake_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> Stocktake:
    """Apply a waiting stocktake's differences (the approver is not the counter)."""
    row = _in_status(session, scope, stocktake_id, StocktakeStatus.waiting)
    _decider(row, actor)
    _apply(session, row, lines_of(session, pk(row)), actor, _now(now))
    row.decided_by_account_id, row.decided_by_name = actor.account_id, (actor.name or "")[:80]
    session.add(row)
    session.flush()
    _audit(session, "stocktake.approve", row, actor)
    return row


def reject_stocktake(
    *,
    session: Session,
    scope: TenantScope,
    stocktake_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> Stocktake:
    """Refuse a waiting stocktake: nothing is written to the ledger (a recount may start)."""
    row = _in_status(session, scope, stocktake_id, StocktakeStatus.waiting)
    _decider(row, actor)
    row.status, row.decided_at = StocktakeStatus.rejected.value, _now(now)
    row.decided_by_account_id, row.decided_by_name = actor.account_id, (actor.name or "")[:80]
    session.add(row)
    session.flush()
    _audit(session, "stocktake.reject", row, actor)
    return row


def cancel_stocktake(
    *,
    session: Session,
    scope: TenantScope,
    stocktake_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> Stocktake:
    """Abandon a count not yet submitted."""
    row = _in_status(session, scope, stocktake_id, StocktakeStatus.counting)
    row.status, row.decided_at = StocktakeStatus.cancelled.value, _now(now)
    session.add(row)
    session.flush()
    _audit(session, "stocktake.cancel", row, actor)
    return row
