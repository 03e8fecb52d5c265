"""Single stock adjustments: units taken off a slot for damage, expiry or loss, with a reason
code from a fixed list and a note; never below zero (the slot is named), audited."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Slot
from app.core.errors import ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.inventory.models import MovementKind, PlanogramEntry, Stock, StockMovement
from app.inventory.services.inventory import record_movement


class AdjustReason(StrEnum):
    damaged = "damaged"
    expired = "expired"
    lost = "lost"


def adjust_stock(
    *,
    session: Session,
    scope: TenantScope,
    slot_id: int,
    item_id: int,
    reason: str,
    quantity: int,
    actor: Actor,
    note: str | None = None,
    now: datetime | None = None,
) -> StockMovement:
    """Take `quantity` units off a slot's stock for damage, expiry or loss (never below zero)."""
    slot = get_scoped_or_raise(session, Slot, slot_id, scope)
    if reason not in {r.value for r in AdjustReason}:
        raise ValidationError(field="reason")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError("stocktake.bad_adjustment", field="quantity", slot=slot.code)
    stock = session.exec(
        scoped_select(Stock, scope).where(Stock.slot_id == slot.id, Stock.item_id == item_id)
    ).first()
    available = stock.quantity if stock else 0
    if quantity > available:
        raise ValidationError(
            "stocktake.below_zero", field="quantity", slot=slot.code, available=available
        )
    note = (note or "").strip()[:200]
    movement = record_movement(
        session=session,
        tenant_id=slot.tenant_id,
        cabinet_id=slot.cabinet_id,
        slot_id=pk(slot),
        item_id=item_id,
        kind=MovementKind.adjustment,
        quantity_delta=-quantity,
        actor_account_id=actor.account_id,
        reason=f"{reason}: {note}" if note else reason,
        at=now or datetime.now(UTC),
    )
    audit.record(
        session=session,
        action="stock.adjust",
        entity="stock_movement",
        entity_id=movement.id,
        tenant_id=slot.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        after={"slot": slot.code, "item_id": item_id, "delta": -quantity, "reason": reason},
        ip=actor.ip,
    )
    return movement


def write_off_planned(
    *,
    session: Session,
    scope: TenantScope,
    entry_id: int,
    reason: str,
    quantity: int,
    actor: Actor,
    note: str | None = None,
) -> StockMovement:
    """`adjust_stock` for a planned slot's item, as the stock page lists them (by plan entry)."""
    entry = get_scoped_or_raise(session, PlanogramEntry, entry_id, scope)
    return adjust_stock(
        session=session,
        scope=scope,
        slot_id=entry.slot_id,
        item_id=entry.item_id,
        reason=reason,
        quantity=quantity,
        actor=actor,
        note=note,
    )
