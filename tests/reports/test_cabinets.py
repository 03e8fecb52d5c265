"""Cabinet utilisation and uptime: visits that closed in a November in Shanghai, what was taken,
and the minutes offline — offline alerts clipped to the period (one began in October, one is
still open), up to now for a period still running."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from app.alerts.models import Alert
from app.core.tenancy import TenantScope
from app.reports.queries.cabinets import cabinet_report
from app.reports.queries.consumption import window
from app.reports.services.periods import period_of
from app.withdrawals.models import WithdrawalLine
from tests.factories import (
    make_cabinet,
    make_door_session,
    make_item,
    make_tenant,
    make_user,
    make_withdrawal,
)

NOVEMBER = period_of("month", date(2026, 11, 1))
START = datetime(2026, 10, 31, 16, tzinfo=UTC)  # 1 November, 00:00 in Shanghai
END = datetime(2026, 11, 30, 16, tzinfo=UTC)


def _offline(session: Session, cabinet, raised: datetime, resolved: datetime | None) -> None:
    session.add(
        Alert(
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            kind="cabinet_offline",
            root_key=f"offline:{cabinet.id}:{raised.isoformat()}",
            severity="critical",
            status="resolved" if resolved else "open",
            message_key="alert.cabinet_offline",
            raised_at=raised,
            resolved_at=resolved,
        )
    )
    session.flush()


def test_visits_taken_and_uptime(session: Session) -> None:
    tenant = make_tenant(session)
    busy, quiet = make_cabinet(session, tenant), make_cabinet(session, tenant)
    person, item = make_user(session, tenant), make_item(session, tenant)
    for closed in (START + timedelta(hours=1), START + timedelta(days=3), END + timedelta(hours=1)):
        door = make_door_session(
            session, busy, person, auth_method="card", status="committed", closed_at=closed
        )
        withdrawal = make_withdrawal(
            session,
            busy,
            person,
            door_session_id=door.id,
            total_qty=2,
            total_cost_cents=500,
            created_at=closed,
        )
        session.add(WithdrawalLine.of(withdrawal, item_id=item.id, quantity=2, unit_cost_cents=250))
    _offline(session, busy, START - timedelta(hours=2), START + timedelta(hours=3))  # 3 h in
    _offline(session, busy, START + timedelta(days=10), START + timedelta(days=10, minutes=30))
    _offline(session, quiet, END - timedelta(hours=6), None)  # still offline: 6 h to the end
    _offline(session, quiet, START - timedelta(days=3), START - timedelta(days=2))  # October
    session.flush()
    win = window(session=session, scope=TenantScope.single(tenant.id), period=NOVEMBER)
    rows = {
        r.cabinet_id: r
        for r in cabinet_report(session=session, win=win, now=END + timedelta(days=5))
    }
    month_minutes = 30 * 24 * 60
    assert (rows[busy.id].visits, rows[busy.id].withdrawals, rows[busy.id].quantity) == (2, 2, 4)
    assert rows[busy.id].offline_minutes == 210
    assert rows[busy.id].uptime == pytest.approx(1 - 210 / month_minutes, abs=1e-4)
    assert (rows[quiet.id].visits, rows[quiet.id].offline_minutes) == (0, 360)
    # while the month runs, uptime is over the part that has passed
    midway = START + timedelta(days=15)
    running = {r.cabinet_id: r for r in cabinet_report(session=session, win=win, now=midway)}
    assert running[quiet.id].offline_minutes == 0
    assert running[busy.id].uptime == pytest.approx(1 - 210 / (15 * 24 * 60), abs=1e-4)
