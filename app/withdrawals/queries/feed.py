"""The withdrawals as an integration reads them (API `/withdrawals`): oldest first, each with its
lines, paged on (created_at, id) with an opaque cursor so rows sharing a timestamp are neither
skipped nor repeated; and the corrections (多退少补) as records of their own, paged the same way,
so a system that already read a withdrawal learns when it is corrected later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app.core.errors import ValidationError
from app.core.paging import decode_time_id, encode_keyset
from app.core.tenancy import TenantScope, scope_filter
from app.inventory.models import MovementKind, StockMovement
from app.items.models import Item
from app.withdrawals.models import Withdrawal, WithdrawalLine

MAX_LIMIT = 200


def _utc(field: str, moment: datetime | None) -> datetime | None:
    """A bound of the period in UTC (as stored); a time without its zone is ambiguous: refused."""
    if moment is None:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(field=field)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class FeedFilter:
    since: datetime | None = None  # included
    until: datetime | None = None  # excluded
    department_id: int | None = None
    cabinet_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", _utc("since", self.since))
        object.__setattr__(self, "until", _utc("until", self.until))


@dataclass(frozen=True)
class FeedPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None  # None: this was the last page
    # where to poll from later to follow new rows: after the last row returned; on an empty
    # page the cursor given, or (none given) a position before every row the filter matches
    resume_cursor: str | None = None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=moment.tzinfo or UTC)


def _page(
    session: Session, statement: Any, model: Any, where: FeedFilter, cursor: str | None, limit: int
) -> tuple[list[Any], bool]:
    """The rows after `cursor` in (created_at, id) order, and whether more follow."""
    if where.since:
        statement = statement.where(model.created_at >= where.since)
    if where.until:
        statement = statement.where(model.created_at < where.until)
    if where.cabinet_id:
        statement = statement.where(model.cabinet_id == where.cabinet_id)
    if cursor:
        statement = statement.where(tuple_(model.created_at, model.id) > decode_time_id(cursor))
    found = list(session.exec(statement.order_by(model.created_at, model.id).limit(limit + 1)))
    return found[:limit], len(found) > limit


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _before_all(where: FeedFilter) -> str:
    """A position before every row the filter can match: where an empty feed resumes from."""
    return encode_keyset(where.since or EPOCH, 0)


def _feed_page(
    rows: list[dict[str, Any]], page: list[Any], more: bool, cursor: str | None, where: FeedFilter
) -> FeedPage:
    if page:
        after_last = encode_keyset(_aware(page[-1].created_at), page[-1].id)
    else:
        after_last = cursor or _before_all(where)
    return FeedPage(rows, after_last if more else None, after_last)


def withdrawal_feed(
    *,
    session: Session,
    scope: TenantScope,
    where: FeedFilter,
    cursor: str | None = None,
    limit: int = 100,
) -> FeedPage:
    statement = select(Withdrawal).where(scope_filter(Withdrawal, scope))
    if where.department_id:
        statement = statement.where(Withdrawal.department_id == where.department_id)
    page, more = _page(session, statement, Withdrawal, where, cursor, min(limit, MAX_LIMIT))
    lines: dict[int, list[dict[str, Any]]] = {}
    for line, sku, name in session.exec(
        select(WithdrawalLine, Item.sku, Item.name)
        .join(Item, col(Item.id) == WithdrawalLine.item_id)
        .where(col(WithdrawalLine.withdrawal_id).in_([w.id for w in page]))
        .order_by(col(WithdrawalLine.id))
    ):
        lines.setdefault(line.withdrawal_id, []).append(
            {
                "item_id": line.item_id,
                "sku": sku,
                "name": name,
                "slot_id": line.slot_id,
                "quantity": line.quantity,
                "unit_cost_cents": line.unit_cost_cents,
                "line_cost_cents": line.line_cost_cents,
            }
        )
    rows = [
        {
            "id": w.id,
            "created_at": _aware(w.created_at),
            "user_id": w.user_id,
            "department_id": w.department_id,
            "cabinet_id": w.cabinet_id,
            "source": w.source,
            "status": w.status,
            "total_qty": w.total_qty,
            "total_cost_cents": w.total_cost_cents,
            "lines": lines.get(w.id, []),
        }
        for w in page
    ]
    return _feed_page(rows, page, more, cursor, where)


def correction_feed(
    *,
    session: Session,
    scope: TenantScope,
    where: FeedFilter,
    cursor: str | None = None,
    limit: int = 100,
) -> FeedPage:
    """Each correction movement: + taken more, − given back (the opposite of the stock delta)."""
    statement = select(StockMovement).where(
        scope_filter(StockMovement, scope), StockMovement.kind == MovementKind.correction.value
    )
    if where.department_id:
        statement = statement.where(
            col(StockMovement.withdrawal_id).in_(
                select(Withdrawal.id).where(Withdrawal.department_id == where.department_id)
            )
        )
    page, more = _page(session, statement, StockMovement, where, cursor, min(limit, MAX_LIMIT))
    rows = [
        {
            "id": m.id,
            "created_at": _aware(m.created_at),
            "withdrawal_id": m.withdrawal_id,
            "cabinet_id": m.cabinet_id,
            "slot_id": m.slot_id,
            "item_id": m.item_id,
            "quantity_delta": -m.quantity_delta,
            "reason": m.reason,
        }
        for m in page
    ]
    return _feed_page(rows, page, more, cursor, where)
