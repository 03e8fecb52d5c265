"""Demo data: the promised world, loaded once, consistent with the ledger and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, text
from sqlmodel import Session, select

from app.auth.models import Account
from app.auth.services.passwords import verify_secret
from app.cabinets.models import Cabinet
from app.core.tenancy import TenantScope
from app.dashboard.service import home_figures
from app.demo.services.demo import demo_logins, seed_demo
from app.inventory.services.inventory import reconcile_ledger
from app.items.models import Item, ItemType
from app.models import metadata
from app.org.models import User
from app.tenants.models import ServiceProvider, Tenant
from app.withdrawals.models import Withdrawal

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)  # 15:30 in Shanghai, a Tuesday


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_demo_world_has_what_the_product_needs_and_loads_once(session: Session) -> None:
    summary = seed_demo(session=session, now=NOW)
    assert summary is not None
    assert _count(session, ServiceProvider) == 2
    assert _count(session, Tenant) == 4
    assert _count(session, Tenant, Tenant.status == "suspended") == 1  # 北垣咨询, contract over
    assert 190 <= _count(session, User) <= 210
    assert _count(session, Cabinet) == 8
    names = session.exec(select(Cabinet.tenant_id, Cabinet.site_id, Cabinet.name)).all()
    assert len(set(names)) == len(names)  # one site never has two cabinets of one name
    for tenant in session.exec(select(Tenant).where(Tenant.status != "suspended")):
        assert 35 <= _count(session, Item, Item.tenant_id == tenant.id) <= 45
        assert _count(session, ItemType, ItemType.tenant_id == tenant.id) == 6
    days = session.exec(select(func.count(func.distinct(func.date(Withdrawal.created_at))))).one()
    assert days >= 20
    assert summary.counts["withdrawals"] > 500

    rows_before = {
        t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in metadata.tables
    }
    assert seed_demo(session=session, now=NOW) is None
    rows_after = {
        t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in metadata.tables
    }
    assert rows_after == rows_before


def test_demo_history_agrees_with_the_ledger_and_the_tenants(session: Session) -> None:
    seed_demo(session=session, now=NOW)
    assert reconcile_ledger(session=session, scope=TenantScope.platform()) == []
    crossed = session.execute(
        text(
            "SELECT count(*) FROM withdrawal_line l JOIN withdrawal w ON w.id = l.withdrawal_id"
            " JOIN cabinet c ON c.id = w.cabinet_id JOIN item i ON i.id = l.item_id"
            " JOIN app_user u ON u.id = w.user_id"
            " WHERE l.tenant_id <> w.tenant_id OR c.tenant_id <> w.tenant_id"
            " OR i.tenant_id <> w.tenant_id OR u.tenant_id <> w.tenant_id"
        )
    ).scalar()
    assert crossed == 0
    figures = home_figures(session=session, scope=TenantScope.platform(), now=NOW)
    assert figures.low_stock_slots > 0 and figures.open_work_orders > 0
    assert figures.withdrawals_today > 0


def test_demo_logins_can_sign_in_with_the_printed_password(session: Session) -> None:
    seed_demo(session=session, now=NOW)
    for login in demo_logins():
        account = session.exec(select(Account).where(Account.username == login.username)).one()
        assert verify_secret(login.password, account.password_hash), login.username


def test_a_demo_made_early_on_a_sunday_still_has_open_work_orders(session: Session) -> None:
    """The weekend has few takes: the open shortfalls are those of the last working days."""
    sunday_morning = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # 06:30 Sunday in Shanghai
    seed_demo(session=session, now=sunday_morning)
    assert reconcile_ledger(session=session, scope=TenantScope.platform()) == []
    figures = home_figures(session=session, scope=TenantScope.platform(), now=sunday_morning)
    assert figures.open_work_orders > 0 and figures.low_stock_slots > 0
