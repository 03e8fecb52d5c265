"""The exceptions-and-corrections report: visits closed in a November in Shanghai, those the
machines could not settle (by reason), resolved since or still waiting; corrections in the
period (units given back, units added); complaints raised and answered — each counted from rows
placed by hand around the month's edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.reports.queries.consumption import window
from app.reports.queries.exceptions import exceptions_report
from app.reports.services.periods import period_of
from app.withdrawals.models import Complaint, DoorSession
from tests.factories import (
    make_cabinet,
    make_door_session,
    make_item,
    make_slot,
    make_tenant,
    make_user,
    make_withdrawal,
)

NOVEMBER = period_of("month", date(2026, 11, 1))


def _at(month: int, day: int, hour: int = 4) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_exceptions_corrections_and_complaints(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet, person = make_cabinet(session, tenant), make_user(session, tenant)

    def visit(status: str, closed: datetime, identification: dict | None = None) -> DoorSession:
        return make_door_session(
            session, cabinet, person, auth_method="card", status=status, closed_at=closed,
            identification=identification,
        )  # fmt: skip

    visit("committed", _at(11, 2), {"status": "committed", "reason": None})
    visit("committed", _at(11, 3), {"status": "committed"})
    visit("exception", _at(11, 4), {"status": "ambiguous", "reason": "ambiguous"})
    visit("exception", _at(11, 5), {"status": "unstable", "reason": "unstable"})
    visit("committed", _at(11, 6), {"reason": "ambiguous", "resolved": {"by": "管理员"}})
    visit("exception", _at(11, 30, 17), {"reason": "ambiguous"})  # 1 December local
    visit("open", _at(11, 7))  # not closed: not a visit of the report
    first = visit("committed", _at(11, 8))
    door = session.get(DoorSession, first.id)
    withdrawal = make_withdrawal(
        session, cabinet, person, door_session_id=door.id, total_qty=3, total_cost_cents=750,
        status="corrected", created_at=_at(10, 30),
    )  # fmt: skip
    item, slot = make_item(session, tenant), make_slot(session, cabinet)

    def move(delta: int, at: datetime, kind=MovementKind.correction) -> None:
        record_movement(
            session=session, tenant_id=tenant.id, cabinet_id=cabinet.id, slot_id=slot.id,
            item_id=item.id, kind=kind, quantity_delta=delta, at=at, reason="多退少补",
            withdrawal_id=withdrawal.id if kind == MovementKind.correction else None,
        )  # fmt: skip

    move(10, _at(10, 20), MovementKind.adjustment)
    move(2, _at(11, 9))  # given back
    move(-1, _at(11, 10))  # charged more
    move(1, _at(12, 2))  # December
    for created, answered in ((_at(11, 3), _at(11, 4)), (_at(11, 9), None), (_at(10, 3), None)):
        about = visit("committed", _at(10, 1))  # an October visit: one open complaint each
        session.add(
            Complaint(
                tenant_id=tenant.id, door_session_id=about.id, user_id=person.id, text="少了",
                status="answered" if answered else "open", created_at=created,
                answered_at=answered,
            )
        )  # fmt: skip
        session.flush()
    report = exceptions_report(
        session=session,
        win=window(session=session, scope=TenantScope.single(tenant.id), period=NOVEMBER),
    )
    assert (report.visits, report.exceptions, report.resolved, report.waiting) == (6, 3, 1, 2)
    assert report.by_reason == {"ambiguous": 2, "unstable": 1}
    assert (report.corrected_withdrawals, report.units_back, report.units_more) == (1, 2, 1)
    assert (report.complaints, report.complaints_answered) == (2, 1)
