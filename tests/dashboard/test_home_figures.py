"""Home figures come from the database, within the caller's scope and the tenant's day."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.core.days import start_of_local_day
from app.core.tenancy import TenantScope
from app.dashboard.service import home_figures
from app.inventory.models import Stock
from tests.factories import (
    make_cabinet,
    make_item,
    make_planogram_entry,
    make_slot,
    make_tenant,
    make_user,
    make_withdrawal,
)

# 2026-11-24 10:00 in Shanghai is 02:00 UTC; the Shanghai day began at 2026-11-23 16:00 UTC.
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_local_day_starts_at_midnight_in_the_tenants_zone() -> None:
    assert start_of_local_day(NOW, "Asia/Shanghai") == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert start_of_local_day(NOW, "UTC") == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)


def _withdrawal(session: Session, cabinet, user, at: datetime, cost: int) -> None:
    make_withdrawal(session, cabinet, user, total_qty=1, total_cost_cents=cost, created_at=at)


def test_home_figures_count_today_in_local_time_and_only_in_scope(session: Session) -> None:
    a, b = make_tenant(session), make_tenant(session)
    cab_a, cab_b = make_cabinet(session, a), make_cabinet(session, b)
    cab_a.is_online = True
    user_a, user_b = make_user(session, a), make_user(session, b)
    user_b.is_active = False
    _withdrawal(
        session, cab_a, user_a, datetime(2026, 11, 23, 16, 30, tzinfo=UTC), 250
    )  # today 00:30 local
    _withdrawal(
        session, cab_a, user_a, datetime(2026, 11, 23, 15, 59, tzinfo=UTC), 999
    )  # yesterday local
    _withdrawal(session, cab_b, user_b, datetime(2026, 11, 24, 1, 0, tzinfo=UTC), 700)
    slot = make_slot(session, cab_a)
    item = make_item(session, a)
    make_item(session, b)
    make_planogram_entry(session, slot, item, min_qty=5, par_qty=20)
    session.add(
        Stock(tenant_id=a.id, cabinet_id=cab_a.id, slot_id=slot.id, item_id=item.id, quantity=4)
    )
    session.flush()

    only_a = home_figures(session=session, scope=TenantScope.single(a.id), now=NOW)
    assert (only_a.cabinets, only_a.cabinets_online, only_a.users, only_a.items) == (1, 1, 1, 1)
    assert (only_a.withdrawals_today, only_a.withdrawals_today_cost_cents) == (1, 250)
    assert only_a.low_stock_slots == 1
    assert [r.total_cost_cents for r in only_a.recent] == [250, 999]

    everyone = home_figures(session=session, scope=TenantScope.platform(), now=NOW)
    assert (everyone.cabinets, everyone.users, everyone.users_active) == (2, 2, 1)
    assert (everyone.withdrawals_today, everyone.withdrawals_today_cost_cents) == (2, 950)
    assert len(everyone.recent) == 3
