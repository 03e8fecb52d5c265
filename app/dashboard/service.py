"""Figures for the console home page, computed in SQL within the caller's tenant scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.alerts.models import Alert, AlertStatus
from app.cabinets.models import Cabinet
from app.cabinets.queries.options import cabinet_label
from app.core.days import start_of_local_day
from app.core.tenancy import TenantScope, scope_filter, scoped_count
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item, ItemType
from app.org.models import Department, User
from app.tenants.queries import scope_timezone
from app.withdrawals.models import Withdrawal
from app.workorders.models import WorkOrder, WorkOrderStatus

OPEN_WORK_ORDER = (WorkOrderStatus.open, WorkOrderStatus.assigned, WorkOrderStatus.in_progress)


@dataclass(frozen=True)
class RecentWithdrawal:
    id: int
    created_at: datetime
    person: str
    department: str
    cabinet: str
    total_qty: int
    total_cost_cents: int


@dataclass(frozen=True)
class HomeFigures:
    cabinets: int
    cabinets_online: int
    items: int
    item_types: int
    users: int
    users_active: int
    withdrawals_today: int
    withdrawals_today_cost_cents: int
    low_stock_slots: int
    open_work_orders: int
    open_alerts: int
    recent: list[RecentWithdrawal] = field(default_factory=list)


def _low_stock_slots(session: Session, scope: TenantScope) -> int:
    statement = (
        select(func.count())
        .select_from(PlanogramEntry)
        .join(
            Stock,
            (col(Stock.slot_id) == PlanogramEntry.slot_id)
            & (col(Stock.item_id) == PlanogramEntry.item_id),
            isouter=True,
        )
        .where(
            scope_filter(PlanogramEntry, scope),
            func.coalesce(Stock.quantity, 0) < PlanogramEntry.min_qty,
        )
    )
    return int(session.exec(statement).one())


def _today_withdrawals(session: Session, scope: TenantScope, since: datetime) -> tuple[int, int]:
    statement = select(
        func.count(col(Withdrawal.id)), func.coalesce(func.sum(Withdrawal.total_cost_cents), 0)
    ).where(scope_filter(Withdrawal, scope), Withdrawal.created_at >= since)
    count, cost = session.exec(statement).one()
    return int(count), int(cost)


def recent_withdrawals(
    *, session: Session, scope: TenantScope, limit: int = 8
) -> list[RecentWithdrawal]:
    """The newest withdrawals with the person, department and cabinet names."""
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Withdrawal.id,
            Withdrawal.created_at,
            User.name,
            Department.name,
            Cabinet.name,
            Withdrawal.total_qty,
            Withdrawal.total_cost_cents,
            Cabinet.code,
        )
        .join(User, User.id == Withdrawal.user_id)
        .join(Cabinet, Cabinet.id == Withdrawal.cabinet_id)
        .join(Department, Department.id == Withdrawal.department_id, isouter=True)
        .where(scope_filter(Withdrawal, scope))
        .order_by(col(Withdrawal.created_at).desc(), col(Withdrawal.id).desc())
        .limit(limit)
    )
    return [
        RecentWithdrawal(
            id=row[0],
            created_at=row[1],
            person=row[2],
            department=row[3] or "",
            cabinet=cabinet_label(row[4], row[7]),
            total_qty=row[5],
            total_cost_cents=row[6],
        )
        for row in session.exec(statement)
    ]


def home_figures(
    *, session: Session, scope: TenantScope, now: datetime | None = None
) -> HomeFigures:
    """Headline figures for the home page of whoever holds `scope`."""
    now = now or datetime.now(UTC)
    since = start_of_local_day(now, scope_timezone(session=session, scope=scope))
    today_count, today_cost = _today_withdrawals(session, scope, since)
    return HomeFigures(
        cabinets=scoped_count(session, Cabinet, scope),
        cabinets_online=scoped_count(session, Cabinet, scope, col(Cabinet.is_online).is_(True)),
        items=scoped_count(session, Item, scope, col(Item.is_active).is_(True)),
        item_types=scoped_count(session, ItemType, scope),
        users=scoped_count(session, User, scope),
        users_active=scoped_count(session, User, scope, col(User.is_active).is_(True)),
        withdrawals_today=today_count,
        withdrawals_today_cost_cents=today_cost,
        low_stock_slots=_low_stock_slots(session, scope),
        open_work_orders=scoped_count(
            session, WorkOrder, scope, col(WorkOrder.status).in_([s.value for s in OPEN_WORK_ORDER])
        ),
        open_alerts=scoped_count(session, Alert, scope, Alert.status != AlertStatus.resolved.value),
        recent=recent_withdrawals(session=session, scope=scope),
    )
