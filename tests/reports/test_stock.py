"""The stock report from the ledger: opening and closing stock of the period (today's stock less
what moved since), restocks, withdrawals net of their corrections, adjustments, stock-outs,
turnover, days of cover and slow movers — each checked against movements placed by hand before,
inside and after a November in Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.reports.queries.consumption import window
from app.reports.queries.stock import stock_report
from app.reports.services.periods import period_of
from tests.factories import make_cabinet, make_item, make_slot, make_tenant

NOVEMBER = period_of("month", date(2026, 11, 1))


def _at(month: int, day: int, hour: int = 4) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_opening_closing_flows_and_stock_outs(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    pens, paper, staples = (make_item(session, tenant, n) for n in ("笔", "纸", "订书钉"))
    slots = {
        i.id: make_slot(session, cabinet, f"A{n}") for n, i in enumerate((pens, paper, staples))
    }

    def move(item, kind: MovementKind, delta: int, at: datetime, reason: str | None = None):
        record_movement(
            session=session, tenant_id=tenant.id, cabinet_id=cabinet.id, slot_id=slots[item.id].id,
            item_id=item.id, kind=kind, quantity_delta=delta, at=at, reason=reason,
        )  # fmt: skip

    move(pens, MovementKind.adjustment, 20, _at(10, 20))  # before: the opening stock
    move(paper, MovementKind.adjustment, 5, _at(10, 20))
    move(staples, MovementKind.adjustment, 9, _at(10, 20))
    move(pens, MovementKind.withdrawal, -4, _at(11, 3))
    move(pens, MovementKind.correction, 1, _at(11, 4), "多退")  # one given back
    move(paper, MovementKind.withdrawal, -5, _at(11, 10))  # empty: a stock-out
    move(paper, MovementKind.restock, 30, _at(11, 11))
    move(paper, MovementKind.withdrawal, -6, _at(11, 30, 15))  # 23:00 local: still November
    move(pens, MovementKind.withdrawal, -2, _at(11, 30, 16))  # midnight local: December
    move(paper, MovementKind.adjustment, -1, _at(12, 2))  # after: not in November
    rows = {r.label: r for r in stock_report(session=session, win=_win(session, tenant.id))}
    pen, sheet, staple = rows["笔"], rows["纸"], rows["订书钉"]
    assert (pen.opening, pen.restocked, pen.taken, pen.adjusted, pen.closing) == (20, 0, 3, 0, 17)
    assert (sheet.opening, sheet.restocked, sheet.taken, sheet.closing) == (5, 30, 11, 24)
    assert (sheet.stock_outs, pen.stock_outs) == (1, 0)
    assert sheet.turnover == pytest.approx(11 / 14.5, abs=0.01)
    assert pen.cover_days == pytest.approx(17 / (3 / 30), abs=0.1)
    assert (staple.slow, pen.slow, staple.turnover, staple.cover_days) == (True, False, 0.0, None)
    assert [r.label for r in rows.values()][:1] == ["纸"]  # the most taken first


def test_another_tenant_and_another_cabinet_stay_out(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session, "别家")
    mine, theirs = make_cabinet(session, tenant), make_cabinet(session, other)
    item, foreign = make_item(session, tenant), make_item(session, other)
    for cabinet, thing in ((mine, item), (theirs, foreign)):
        slot = make_slot(session, cabinet)
        record_movement(
            session=session, tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, slot_id=slot.id,
            item_id=thing.id, kind=MovementKind.restock, quantity_delta=7, at=_at(11, 5),
        )  # fmt: skip
    (row,) = stock_report(session=session, win=_win(session, tenant.id))
    assert (row.item_id, row.restocked) == (item.id, 7)
    assert stock_report(session=session, win=_win(session, tenant.id), cabinet_id=theirs.id) == []


def _win(session: Session, tenant_id: int):
    return window(session=session, scope=TenantScope.single(tenant_id), period=NOVEMBER)
