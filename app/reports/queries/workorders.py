"""Work orders over a period, per kind (replenishment, repair, command failure, exception
review), summed in SQL: opened in the period, done and cancelled in it, still open when it
ended; and the lead time of the orders done in it (opened → done, hours: mean and longest) —
for replenishment, the restock lead time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_
from sqlmodel import Session, col, select

from app.reports.queries.consumption import Window
from app.workorders.models import WorkOrder as O
from app.workorders.models import WorkOrderKind, WorkOrderStatus


@dataclass(frozen=True)
class WorkOrderRow:
    kind: str
    opened: int
    done: int
    cancelled: int
    open_at_end: int
    lead_hours_mean: float | None  # None: none done in the period
    lead_hours_max: float | None


def _hours(session: Session) -> Any:
    """opened → closed in hours, in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", col(O.closed_at) - O.created_at) / 3600.0
    return (func.julianday(O.closed_at) - func.julianday(O.created_at)) * 24.0


def _each_tenant(
    win: Window, condition: Callable[[datetime, datetime], ColumnElement[bool]]
) -> ColumnElement[bool]:
    return or_(
        *(
            and_(col(O.tenant_id) == t, condition(start, end))
            for t, (start, end, _) in win.tenants.items()
        ),
        false(),
    )


def work_order_report(*, session: Session, win: Window) -> list[WorkOrderRow]:
    """One row per kind, every kind present (zeros included)."""
    in_period = _each_tenant(win, lambda s, e: and_(col(O.created_at) >= s, col(O.created_at) < e))
    closed_in = _each_tenant(
        win,
        lambda s, e: and_(
            col(O.closed_at).is_not(None), col(O.closed_at) >= s, col(O.closed_at) < e
        ),
    )
    open_at_end = _each_tenant(
        win,
        lambda s, e: and_(
            col(O.created_at) < e, or_(col(O.closed_at).is_(None), col(O.closed_at) >= e)
        ),
    )
    done = and_(closed_in, col(O.status) == WorkOrderStatus.done.value)
    hours = _hours(session)
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            O.kind,
            func.sum(case((in_period, 1), else_=0)),
            func.sum(case((done, 1), else_=0)),
            func.sum(
                case(
                    (and_(closed_in, col(O.status) == WorkOrderStatus.cancelled.value), 1), else_=0
                )
            ),
            func.sum(case((open_at_end, 1), else_=0)),
            func.avg(case((done, hours))),
            func.max(case((done, hours))),
        )
        .where(col(O.tenant_id).in_(list(win.tenants)))
        .group_by(O.kind)
    )
    found = {row[0]: row for row in session.exec(statement).all()}
    rows = []
    for kind in WorkOrderKind:
        row = found.get(kind.value)
        if row is None:
            rows.append(WorkOrderRow(kind.value, 0, 0, 0, 0, None, None))
            continue
        mean, longest = row[5], row[6]
        rows.append(
            WorkOrderRow(
                kind.value, int(row[1] or 0), int(row[2] or 0), int(row[3] or 0),
                int(row[4] or 0), None if mean is None else round(float(mean), 1),
                None if longest is None else round(float(longest), 1),
            )
        )  # fmt: skip
    return rows
