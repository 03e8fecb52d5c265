"""The console's withdrawals list: filtered in SQL (cabinet, department, person, local dates),
newest or oldest first, one page at a time with a keyset cursor on (created_at, id) — never an
OFFSET, never the whole table — and one withdrawal's detail with its lines and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet
from app.cabinets.queries.options import cabinet_label, cabinet_options
from app.core.errors import ValidationError
from app.core.model_base import keyed, pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.items.models import Item
from app.org.models import Department, User
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.withdrawals.services.review import MOVED_G, SlotEvidence, slot_evidence

PAGE_SIZE = 20
ORDERS = ("newest", "oldest")


@dataclass(frozen=True)
class WithdrawalFilter:
    cabinet_id: int | None = None
    department_id: int | None = None
    user_id: int | None = None
    item_id: int | None = None  # withdrawals holding this item
    since: date | None = None  # local dates of the tenant, both included
    until: date | None = None
    order: str = "newest"


@dataclass(frozen=True)
class WithdrawalRow:
    id: int
    created_at: datetime
    person: str
    department: str
    cabinet: str
    total_qty: int
    total_cost_cents: int
    status: str
    source: str


@dataclass(frozen=True)
class WithdrawalPage:
    rows: list[WithdrawalRow]
    next_cursor: str | None  # pass back as `after` for the next page; None: last page


def encode_cursor(row: WithdrawalRow) -> str:
    return f"{row.created_at.astimezone(UTC).isoformat()}|{row.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        moment, _, row_id = cursor.partition("|")
        return datetime.fromisoformat(moment), int(row_id)
    except ValueError:
        raise ValidationError(field="cursor") from None


def _day_start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(timezone)).astimezone(UTC)


def list_withdrawals(
    *,
    session: Session,
    scope: TenantScope,
    where: WithdrawalFilter,
    timezone: str,
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> WithdrawalPage:
    if where.order not in ORDERS:
        raise ValidationError(field="order")
    if where.since and where.until and where.since > where.until:
        raise ValidationError(field="until")
    conditions = [scope_filter(Withdrawal, scope)]
    if where.cabinet_id:
        conditions.append(Withdrawal.cabinet_id == where.cabinet_id)
    if where.department_id:
        conditions.append(Withdrawal.department_id == where.department_id)
    if where.user_id:
        conditions.append(Withdrawal.user_id == where.user_id)
    if where.item_id:
        holds = select(WithdrawalLine.id).where(
            WithdrawalLine.withdrawal_id == Withdrawal.id, WithdrawalLine.item_id == where.item_id
        )
        conditions.append(holds.exists())
    if where.since:
        conditions.append(Withdrawal.created_at >= _day_start(where.since, timezone))
    if where.until:
        end = _day_start(where.until + timedelta(days=1), timezone)
        conditions.append(Withdrawal.created_at < end)
    newest = where.order == "newest"
    if after:
        moment, row_id = decode_cursor(after)
        if newest:
            conditions.append(
                or_(
                    col(Withdrawal.created_at) < moment,
                    and_(col(Withdrawal.created_at) == moment, col(Withdrawal.id) < row_id),
                )
            )
        else:
            conditions.append(
                or_(
                    col(Withdrawal.created_at) > moment,
                    and_(col(Withdrawal.created_at) == moment, col(Withdrawal.id) > row_id),
                )
            )
    ordering = (
        (col(Withdrawal.created_at).desc(), col(Withdrawal.id).desc())
        if newest
        else (Withdrawal.created_at, Withdrawal.id)
    )
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Withdrawal.id,
            Withdrawal.created_at,
            User.name,
            Department.name,
            Cabinet.name,
            Withdrawal.total_qty,
            Withdrawal.total_cost_cents,
            Withdrawal.status,
            Withdrawal.source,
            Cabinet.code,
        )
        .join(User, User.id == Withdrawal.user_id)
        .join(Cabinet, Cabinet.id == Withdrawal.cabinet_id)
        .join(Department, Department.id == Withdrawal.department_id, isouter=True)
        .where(*conditions)
        .order_by(*ordering)
        .limit(limit + 1)
    )
    rows = [
        WithdrawalRow(
            id=r[0],
            created_at=r[1].replace(tzinfo=r[1].tzinfo or UTC),
            person=r[2],
            department=r[3] or "",
            cabinet=cabinet_label(r[4], r[9]),
            total_qty=r[5],
            total_cost_cents=r[6],
            status=r[7],
            source=r[8],
        )
        for r in session.exec(statement)
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    return WithdrawalPage(rows, encode_cursor(rows[-1]) if more and rows else None)


@dataclass(frozen=True)
class LineView:
    item: str
    quantity: int
    unit_cost_cents: int
    line_cost_cents: int


@dataclass(frozen=True)
class WithdrawalDetail:
    row: WithdrawalRow
    lines: list[LineView]
    evidence: list[SlotEvidence]
    identification: dict[str, Any]
    door_id: int | None = None


def withdrawal_detail(
    *, session: Session, scope: TenantScope, withdrawal_id: int
) -> WithdrawalDetail:
    withdrawal = get_scoped_or_raise(session, Withdrawal, withdrawal_id, scope)
    person = session.get_one(User, withdrawal.user_id)
    department = (
        session.get(Department, withdrawal.department_id) if withdrawal.department_id else None
    )
    cabinet = session.get_one(Cabinet, withdrawal.cabinet_id)
    lines = session.exec(
        select(WithdrawalLine, Item.name)
        .join(Item, col(Item.id) == WithdrawalLine.item_id)
        .where(WithdrawalLine.withdrawal_id == withdrawal.id)
        .order_by(col(WithdrawalLine.id))
    ).all()
    door = (
        session.get(DoorSession, withdrawal.door_session_id) if withdrawal.door_session_id else None
    )
    row = WithdrawalRow(
        id=pk(withdrawal),
        created_at=withdrawal.created_at.replace(tzinfo=withdrawal.created_at.tzinfo or UTC),
        person=person.name,
        department=department.name if department else "",
        cabinet=cabinet_label(cabinet.name, cabinet.code),
        total_qty=withdrawal.total_qty,
        total_cost_cents=withdrawal.total_cost_cents,
        status=withdrawal.status,
        source=withdrawal.source,
    )
    return WithdrawalDetail(
        row=row,
        lines=[
            LineView(name, line.quantity, line.unit_cost_cents, line.line_cost_cents)
            for line, name in lines
        ],
        # the slots whose weight changed: the evidence of what was taken (or put back)
        evidence=[e for e in slot_evidence(door) if abs(e.after_g - e.before_g) >= MOVED_G]
        if door
        else [],
        identification=dict(door.identification or {}) if door else {},
        door_id=door.id if door else None,
    )


@dataclass(frozen=True)
class FilterOptions:
    cabinets: list[tuple[int, str]]
    departments: list[tuple[int, str]]


def filter_options(*, session: Session, scope: TenantScope) -> FilterOptions:
    """What the list's filters offer: the scope's cabinets and departments, by name."""
    departments = session.exec(
        select(Department.id, Department.name)
        .where(scope_filter(Department, scope))
        .order_by(Department.name)
    ).all()
    return FilterOptions(
        cabinets=cabinet_options(session=session, scope=scope),
        departments=keyed(departments),
    )
