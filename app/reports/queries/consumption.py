"""Consumption: what was taken in a period, summed in SQL — by department, person, cabinet,
tenant and local day from the withdrawals, by item, item type and tag from their lines — for one
tenant or every tenant of a scope (each in its own time zone).

Consumption is what the committed withdrawals hold now: a correction restates its withdrawal's
lines and totals (a corrected visit counts its true quantities, once), and restocks or stock
adjustments are movements, not withdrawals (they never count). Each figure is one range scan of
a covering index on (tenant, time) — the withdrawals' or the lines', which carry their
withdrawal's time, person, department and cabinet — and a hash aggregate: no join, no DISTINCT
on the common paths (docs/reports.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, and_, cast, distinct, false, func, or_
from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.items.models import Item, ItemTag, ItemType, Tag
from app.org.models import Department, User
from app.reports.services.periods import Period, offset_segments
from app.tenants.models import Tenant
from app.withdrawals.models import Withdrawal as W
from app.withdrawals.models import WithdrawalLine as L

DIMENSIONS = ("department", "person", "item", "item_type", "tag", "cabinet", "tenant")


@dataclass(frozen=True)
class Filters:
    cabinet_id: int | None = None
    department_id: int | None = None  # and the departments under it
    user_id: int | None = None
    item_id: int | None = None


@dataclass(frozen=True)
class Window:
    """Each tenant's [start, end) in UTC for the period, and its time zone."""

    period: Period
    tenants: dict[int, tuple[datetime, datetime, str]]


@dataclass(frozen=True)
class Figures:
    count: int  # withdrawals for a person, department, cabinet, day; times taken for an item
    quantity: int
    cost_cents: int


@dataclass(frozen=True)
class Row:
    key: int | None  # the department's, person's, item's… id (None: no department)
    label: str
    detail: str  # employee number, SKU and unit, cabinet code; "" otherwise
    figures: Figures


@dataclass(frozen=True)
class Totals:
    withdrawals: int
    people: int
    quantity: int
    cost_cents: int


def window(*, session: Session, scope: TenantScope, period: Period) -> Window:
    """The period's bounds in each tenant of the scope (its own midnight)."""
    statement = select(Tenant.id, Tenant.timezone).order_by(col(Tenant.id))
    if scope.tenant_ids is not None:
        statement = statement.where(col(Tenant.id).in_(sorted(scope.tenant_ids)))
    tenants = session.exec(statement).all()
    return Window(period, {t: (*period.bounds(zone), zone) for t, zone in tenants if t is not None})


WITHDRAWAL_LEVEL = ("department", "person", "cabinet", "tenant")


@dataclass(frozen=True)
class _Source:
    """Where figures are summed: the withdrawals (one row per visit) or their lines."""

    table: type
    quantity: object
    cost: object

    def column(self, name: str) -> Any:
        return getattr(self.table, name)


_VISITS = _Source(W, W.total_qty, W.total_cost_cents)
_LINES = _Source(L, L.quantity, L.line_cost_cents)


def _source(filters: Filters | None) -> _Source:
    # an item filter needs the lines: a visit's totals hold every item it took
    return _LINES if filters and filters.item_id is not None else _VISITS


def _sums(src: _Source, count: Any) -> tuple[Any, Any, Any]:
    return (count, func.coalesce(func.sum(src.quantity), 0), func.coalesce(func.sum(src.cost), 0))


def _visits(src: _Source) -> Any:
    """How many withdrawals: rows of the withdrawals; distinct visits among lines."""
    return func.count() if src is _VISITS else func.count(distinct(col(L.withdrawal_id)))


def _where(session: Session, src: _Source, win: Window, filters: Filters | None) -> list[Any]:
    filters = filters or Filters()
    where = [
        or_(
            *(
                and_(
                    src.column("tenant_id") == tenant,
                    src.column("created_at") >= start,
                    src.column("created_at") < end,
                )
                for tenant, (start, end, _) in win.tenants.items()
            ),
            false(),
        )
    ]
    for name in ("cabinet_id", "user_id"):
        if getattr(filters, name) is not None:
            where.append(src.column(name) == getattr(filters, name))
    if filters.item_id is not None:
        where.append(col(L.item_id) == filters.item_id)
    if filters.department_id is not None:
        department = session.get(Department, filters.department_id)
        if department is None or department.tenant_id not in win.tenants:
            raise ValidationError(field="department")
        subtree = select(Department.id).where(
            Department.tenant_id == department.tenant_id,
            Department.path.startswith(department.path),
        )
        where.append(src.column("department_id").in_(subtree))
    return where


def _figures(row: Any) -> Figures:
    return Figures(int(row[0]), int(row[1]), int(row[2]))


def totals(*, session: Session, win: Window, filters: Filters | None = None) -> Totals:
    src = _source(filters)
    row = session.exec(
        select(*_sums(src, _visits(src)), func.count(distinct(src.column("user_id")))).where(
            *_where(session, src, win, filters)
        )
    ).one()
    return Totals(int(row[0]), int(row[3]), int(row[1]), int(row[2]))


# How a row of each dimension is named: the table, its label and its detail columns.
_NAMES: dict[str, tuple[Any, Any, Any]] = {  # a table, two of its columns
    "department": (Department, Department.name, None),
    "person": (User, User.name, User.employee_no),
    "cabinet": (Cabinet, Cabinet.name, Cabinet.code),
    "tenant": (Tenant, Tenant.name, Tenant.code),
    "item": (Item, Item.name, Item.sku),
    "item_type": (ItemType, ItemType.name, ItemType.code),
    "tag": (Tag, Tag.name, None),
}
_COLUMN = {"department": "department_id", "person": "user_id", "cabinet": "cabinet_id"}
_COLUMN["tenant"] = "tenant_id"


def _grouped(session: Session, win: Window, by: str, filters: Filters | None) -> Any:
    """The grouping statement of `by` (key, count, quantity, cost): visits for who and where,
    lines for what."""
    if by in WITHDRAWAL_LEVEL:
        src = _source(filters)
        key = src.column(_COLUMN[by])
        statement = select(key.label("key"), *_labelled(_sums(src, _visits(src)))).group_by(key)
    else:
        src = _LINES
        sums = _labelled(_sums(src, func.count()))
        if by == "item":
            statement = select(col(L.item_id).label("key"), *sums).group_by(col(L.item_id))
        elif by == "item_type":
            statement = (
                select(col(Item.type_id).label("key"), *sums)
                .join(Item, col(Item.id) == L.item_id)
                .group_by(col(Item.type_id))
            )
        else:  # a line counts under each tag of its item
            statement = (
                select(col(ItemTag.tag_id).label("key"), *sums)
                .join(ItemTag, col(ItemTag.item_id) == L.item_id)
                .group_by(col(ItemTag.tag_id))
            )
    return statement.where(*_where(session, src, win, filters))


def _labelled(sums: Any) -> list[Any]:
    return [
        column.label(name) for column, name in zip(sums, ("n", "quantity", "cost"), strict=True)
    ]


def breakdown(
    *, session: Session, win: Window, by: str, filters: Filters | None = None, limit: int = 0
) -> list[Row]:
    """The period's consumption grouped by `by`, largest cost first (`limit` 0: every row);
    each group named by joining its table to the grouped rows (not to the lines)."""
    if by not in DIMENSIONS:
        raise ValidationError(field="by")
    grouped = _grouped(session, win, by, filters).subquery()
    model, label, detail = _NAMES[by]
    extra = [Item.unit] if by == "item" else []
    # several tenants: say whose department, person, item… each row is (same names recur)
    whose = by != "tenant" and len(win.tenants) > 1
    if whose:
        extra.append(model.tenant_id)
    statement = (
        select(grouped.c.key, label, detail if detail is not None else label, *extra,  # type: ignore[call-overload]
               grouped.c.n, grouped.c.quantity, grouped.c.cost)
        .select_from(grouped)
        .outerjoin(model, model.id == grouped.c.key)
        .order_by(grouped.c.cost.desc(), grouped.c.quantity.desc(), grouped.c.key)
    )  # fmt: skip
    rows = session.exec(statement.limit(limit) if limit else statement).all()
    codes = dict(session.exec(select(Tenant.id, Tenant.code)).all()) if whose else {}
    named = [_row(by, r, detail is not None) for r in rows]
    if not whose:
        return named
    return [
        Row(row.key, row.label, " · ".join(p for p in (codes.get(r[-4], ""), row.detail) if p),
            row.figures)
        for row, r in zip(named, rows, strict=True)
    ]  # fmt: skip


def _row(by: str, r: Any, has_detail: bool) -> Row:
    label = r[1] or ""
    detail = (r[2] or "") if has_detail else ""
    if by == "item" and r[1] is not None:
        detail = f"{r[2]} · {r[3]}"
    return Row(r[0], label, detail, _figures(r[-3:]))


def by_day(*, session: Session, win: Window, filters: Filters | None = None) -> dict[date, Figures]:
    """The period's consumption per local day (each tenant's own days), every day present."""
    src = _source(filters)
    where = _where(session, src, win, filters)
    days: dict[date, list[int]] = {}
    for local_day, *sums in _grouped_by_local_day(session, src, win, where):
        day = local_day if isinstance(local_day, date) else date.fromisoformat(str(local_day))
        acc = days.setdefault(day, [0, 0, 0])
        for i, value in enumerate(sums):
            acc[i] += int(value)
    first = win.period.first
    every = [date.fromordinal(first.toordinal() + n) for n in range(win.period.days)]
    return {d: Figures(*days.get(d, [0, 0, 0])) for d in every}


def _grouped_by_local_day(
    session: Session, src: _Source, win: Window, where: list[Any]
) -> list[Any]:
    """(local day, sums) rows: PostgreSQL converts with the tenant's zone; SQLite, which has no
    zones, shifts by the zone's offset on each stretch of the period where it holds."""
    created_at, tenant_id = src.column("created_at"), src.column("tenant_id")
    sums = _sums(src, _visits(src))
    if session.get_bind().dialect.name == "postgresql":
        zoned = cast(func.timezone(Tenant.timezone, created_at), Date)
        statement = (
            select(zoned, *sums)
            .join(Tenant, col(Tenant.id) == tenant_id)
            .where(*where)
            .group_by(zoned)
        )
        return list(session.exec(statement).all())
    rows: list[Any] = []
    for tenant, (start, end, zone) in win.tenants.items():
        for piece_start, piece_end, offset in offset_segments(start, end, zone):
            day = func.date(created_at, f"{offset:+d} seconds")
            statement = (
                select(day, *sums)
                .where(
                    *where,
                    tenant_id == tenant,
                    created_at >= piece_start,
                    created_at < piece_end,
                )
                .group_by(day)
            )
            rows += session.exec(statement).all()
    return rows
