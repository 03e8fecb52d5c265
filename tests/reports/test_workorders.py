"""The work-order report: per kind, opened, done and cancelled within the period, open when it
ended, and the lead time of those done — checked on orders placed by hand around a November in
Shanghai (local midnight is 16:00 UTC the day before)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.reports.queries.consumption import window
from app.reports.queries.workorders import work_order_report
from app.reports.services.periods import period_of
from app.workorders.models import WorkOrder
from tests.factories import make_tenant

NOVEMBER = period_of("month", date(2026, 11, 1))


def _order(session: Session, tenant_id: int, kind: str, opened, closed=None, status="open"):
    session.add(
        WorkOrder(
            tenant_id=tenant_id, kind=kind, status=status, title=kind,
            dedupe_key=f"{kind}:{opened.isoformat()}:{status}", created_at=opened, closed_at=closed,
        )
    )  # fmt: skip
    session.flush()


def test_counts_and_lead_times_by_kind(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session, "别家")

    def at(month, day, hour=4):
        return datetime(2026, month, day, hour, tzinfo=UTC)

    t = tenant.id
    _order(session, t, "replenishment", at(11, 2), at(11, 2, 10), "done")  # 6 h
    _order(session, t, "replenishment", at(11, 20), at(11, 21, 4), "done")  # 24 h
    _order(session, t, "replenishment", at(10, 30), at(11, 1, 4), "done")  # opened before: 48 h
    _order(session, t, "replenishment", at(11, 29), at(11, 30, 17), "done")  # done 1 Dec local
    _order(session, t, "replenishment", at(11, 28))  # still open
    _order(session, t, "repair", at(10, 1))  # open since October: open at the end
    _order(session, t, "repair", at(11, 5), at(11, 6), "cancelled")
    _order(session, t, "repair", at(11, 30, 16))  # 1 December local: not November's
    _order(session, other.id, "repair", at(11, 5))  # another tenant's
    win = window(session=session, scope=TenantScope.single(t), period=NOVEMBER)
    rows = {r.kind: r for r in work_order_report(session=session, win=win)}
    restock, repair = rows["replenishment"], rows["repair"]
    assert (restock.opened, restock.done, restock.cancelled, restock.open_at_end) == (4, 3, 0, 2)
    assert restock.lead_hours_mean == pytest.approx((6 + 24 + 48) / 3, abs=0.1)
    assert restock.lead_hours_max == pytest.approx(48, abs=0.1)
    assert (repair.opened, repair.done, repair.cancelled, repair.open_at_end) == (1, 0, 1, 1)
    assert repair.lead_hours_mean is None
    assert rows["command_failure"].opened == 0 and len(rows) == 4
