"""Stock ledger rules: every change is an appended movement; stock is updated with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, literal, union_all
from sqlmodel import Session, col, select

from app.core.errors import ValidationError
from app.core.memo import memo_of, remember
from app.core.tenancy import TenantScope, scope_filter, scoped_select
from app.inventory.models import MovementKind, Stock, StockMovement


@dataclass(frozen=True)
class LedgerMismatch:
    tenant_id: int
    cabinet_id: int
    slot_id: int
    item_id: int
    ledger_quantity: int
    stock_quantity: int


LOCKED = "inventory.locked_stock"  # batch memo: cabinet id → {(slot, item): its locked Stock}


def lock_stock(session: Session, cabinet_ids: list[int]) -> None:
    """Lock the stock rows of these cabinets in one query (in id order, as every batch does) and
    keep them for the running batch (app/core/memo.py): its movements then query nothing."""
    rows = session.exec(
        select(Stock)
        .where(col(Stock.cabinet_id).in_(cabinet_ids))
        .order_by(col(Stock.id))
        .with_for_update()
        .execution_options(populate_existing=True)  # the values as of the lock
    ).all()
    locked: dict[int, dict[tuple[int, int], Stock]] = {c: {} for c in cabinet_ids}
    for row in rows:
        locked[row.cabinet_id][(row.slot_id, row.item_id)] = row
    remember(session, LOCKED, (memo_of(session, LOCKED) or {}) | locked)


def locked_stock_of(session: Session, cabinet_id: int) -> dict[tuple[int, int], Stock] | None:
    """The cabinet's stock rows the running batch locked ((slot, item) → row), if it did."""
    return (memo_of(session, LOCKED) or {}).get(cabinet_id)


def _locked_stock(session: Session, cabinet_id: int, slot_id: int, item_id: int) -> Stock | None:
    locked = locked_stock_of(session, cabinet_id)
    if locked is not None:  # locked for this batch: the row, or none exists
        return locked.get((slot_id, item_id))
    statement = select(Stock).where(Stock.slot_id == slot_id, Stock.item_id == item_id)
    return session.exec(statement.with_for_update()).first()


def record_movement(
    *,
    session: Session,
    tenant_id: int,
    cabinet_id: int,
    slot_id: int,
    item_id: int,
    kind: MovementKind,
    quantity_delta: int,
    door_session_id: int | None = None,
    withdrawal_id: int | None = None,
    actor_account_id: int | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> StockMovement:
    """Append one movement and move the slot's stock by the same amount (flush only; inside a
    batch that locked the cabinet's stock, not even that: the movement's id comes with the
    batch's flush)."""
    at = at or datetime.now(UTC)
    stock = _locked_stock(session, cabinet_id, slot_id, item_id)
    if stock is None:
        stock = Stock(
            tenant_id=tenant_id, cabinet_id=cabinet_id, slot_id=slot_id, item_id=item_id, quantity=0
        )
        session.add(stock)
        locked = locked_stock_of(session, cabinet_id)
        if locked is not None:  # the batch's later movements of this slot find it
            locked[(slot_id, item_id)] = stock
    balance = stock.quantity + quantity_delta
    if balance < 0:
        raise ValidationError(
            "error.stock_negative",
            slot=slot_id,
            item=item_id,
            available=stock.quantity,
            requested=-quantity_delta,
        )
    stock.quantity = balance
    stock.updated_at = at
    movement = StockMovement(
        tenant_id=tenant_id,
        cabinet_id=cabinet_id,
        slot_id=slot_id,
        item_id=item_id,
        kind=kind.value,
        quantity_delta=quantity_delta,
        balance_after=balance,
        door_session_id=door_session_id,
        withdrawal_id=withdrawal_id,
        actor_account_id=actor_account_id,
        reason=reason,
        created_at=at,
    )
    session.add(movement)
    if locked_stock_of(session, cabinet_id) is None:  # else written with the batch's changes
        session.flush()
    return movement


def reconcile_ledger(*, session: Session, scope: TenantScope) -> list[LedgerMismatch]:
    """Slots and items where sum(movements) differs from stock, in one aggregate query."""
    ledger = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        StockMovement.tenant_id,
        StockMovement.cabinet_id,
        StockMovement.slot_id,
        StockMovement.item_id,
        col(StockMovement.quantity_delta).label("ledger"),
        literal(0).label("stock"),
    ).where(scope_filter(StockMovement, scope))
    stock = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        Stock.tenant_id,
        Stock.cabinet_id,
        Stock.slot_id,
        Stock.item_id,
        literal(0).label("ledger"),
        col(Stock.quantity).label("stock"),
    ).where(scope_filter(Stock, scope))
    both = union_all(ledger, stock).subquery()
    ledger_sum = func.sum(both.c.ledger)
    stock_sum = func.sum(both.c.stock)
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            both.c.tenant_id,
            both.c.cabinet_id,
            both.c.slot_id,
            both.c.item_id,
            ledger_sum,
            stock_sum,
        )
        .group_by(both.c.tenant_id, both.c.cabinet_id, both.c.slot_id, both.c.item_id)
        .having(ledger_sum != stock_sum)
        .order_by(both.c.slot_id, both.c.item_id)
    )
    return [
        LedgerMismatch(
            tenant_id=row[0],
            cabinet_id=row[1],
            slot_id=row[2],
            item_id=row[3],
            ledger_quantity=int(row[4]),
            stock_quantity=int(row[5]),
        )
        for row in session.execute(statement)
    ]


def stock_for_cabinet(*, session: Session, scope: TenantScope, cabinet_id: int) -> list[Stock]:
    """Current stock rows of one cabinet, inside the caller's scope."""
    statement = scoped_select(Stock, scope).where(Stock.cabinet_id == cabinet_id)
    return list(session.exec(statement.order_by(col(Stock.slot_id), col(Stock.item_id))))


def reconcile_and_alert(*, session: Session, scope: TenantScope) -> list[LedgerMismatch]:
    """The reconciliation, with one critical alert per slot and item whose stock and ledger
    disagree (repeats count occurrences until someone resolves it)."""
    from app.alerts.models import Severity
    from app.alerts.service import raise_once

    mismatches = reconcile_ledger(session=session, scope=scope)
    for m in mismatches:
        raise_once(
            session=session,
            tenant_id=m.tenant_id,
            cabinet_id=m.cabinet_id,
            kind="ledger_mismatch",
            root_key=f"ledger:slot:{m.slot_id}:item:{m.item_id}",
            message_key="alert.ledger_mismatch",
            params={
                "slot": m.slot_id,
                "item": m.item_id,
                "ledger": m.ledger_quantity,
                "stock": m.stock_quantity,
            },
            severity=Severity.critical,
        )
    return mismatches
