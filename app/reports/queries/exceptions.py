"""Exceptions and corrections over a period, summed in SQL: door visits that closed in it, how
many the machines could not settle (by reason), how many of those a person has resolved and how
many still wait; withdrawals corrected afterwards (多退少补: units given back, units added); and
employees' complaints raised and answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, false, func, or_
from sqlmodel import Session, col, select

from app.inventory.models import MovementKind, StockMovement
from app.reports.queries.consumption import Window
from app.withdrawals.models import Complaint, DoorSession, SessionStatus

CLOSED = (SessionStatus.committed.value, SessionStatus.exception.value)


@dataclass(frozen=True)
class ExceptionsReport:
    visits: int  # door sessions that closed in the period
    exceptions: int  # of those, the machines could not settle
    resolved: int  # exceptions a person has settled since
    waiting: int  # exceptions still waiting
    by_reason: dict[str, int]  # exceptions per reason ("" when none was given)
    corrected_withdrawals: int  # withdrawals corrected in the period
    units_back: int  # corrections that gave units back (taken less than recorded)
    units_more: int  # corrections that charged more (taken more than recorded)
    complaints: int  # raised in the period
    complaints_answered: int  # of those, answered


def _within(model: Any, column: Any, win: Window) -> Any:
    return or_(
        *(
            and_(model.tenant_id == t, column >= start, column < end)
            for t, (start, end, _) in win.tenants.items()
        ),
        false(),
    )


def exceptions_report(*, session: Session, win: Window) -> ExceptionsReport:
    door = DoorSession
    reason = col(door.identification)["reason"].as_string()
    resolved = col(door.identification)["resolved"].as_string().is_not(None)
    was_exception = (col(door.status) == SessionStatus.exception.value) | resolved
    closed = and_(_within(door, door.closed_at, win), col(door.status).in_(CLOSED))
    visits, exceptions, settled, waiting = session.exec(
        select(
            func.count(),
            func.sum(case((was_exception, 1), else_=0)),
            func.sum(case((resolved, 1), else_=0)),
            func.sum(case((col(door.status) == SessionStatus.exception.value, 1), else_=0)),
        ).where(closed)
    ).one()
    # grouped outside a subquery: PostgreSQL sees the JSON key bound twice as two expressions
    why = select(func.coalesce(reason, "").label("why")).where(closed, was_exception).subquery()
    reasons = session.exec(select(why.c.why, func.count()).group_by(why.c.why)).all()
    movement = StockMovement
    delta = col(movement.quantity_delta)
    corrected, back, more = session.exec(
        select(
            func.count(func.distinct(movement.withdrawal_id)),
            func.sum(case((delta > 0, delta), else_=0)),
            func.sum(case((delta < 0, -delta), else_=0)),
        ).where(
            _within(movement, movement.created_at, win),
            movement.kind == MovementKind.correction.value,
            col(movement.withdrawal_id).is_not(None),
        )
    ).one()
    raised, answered = session.exec(
        select(func.count(), func.sum(case((col(Complaint.answered_at).is_not(None), 1), else_=0)))
        .where(_within(Complaint, Complaint.created_at, win))
    ).one()  # fmt: skip
    return ExceptionsReport(
        visits=int(visits or 0),
        exceptions=int(exceptions or 0),
        resolved=int(settled or 0),
        waiting=int(waiting or 0),
        by_reason={str(r): int(n) for r, n in sorted(reasons, key=lambda p: -p[1])},
        corrected_withdrawals=int(corrected or 0),
        units_back=int(back or 0),
        units_more=int(more or 0),
        complaints=int(raised or 0),
        complaints_answered=int(answered or 0),
    )
