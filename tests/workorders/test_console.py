"""Work orders in the console: open ones listed first with tenant, cabinet and site, keyset
pages, a pick list; assigned only to provider staff (业务员) serving the tenant, started and
done by them, cancelled only with a reason, a closed order left alone; titles in the reader's
language; all audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import GrantScope, RoleGrant
from app.auth.services.auth import ensure_builtin_roles
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.tenants.models import ProviderStaff, ProviderStaffTenant, ServiceProvider
from app.workorders.models import WorkOrderKind
from app.workorders.services import console
from app.workorders.services.workorders import PickLine, close_order, open_once, title_in
from tests.factories import (
    make_account,
    make_cabinet,
    make_item,
    make_service_provider,
    make_site,
    make_slot,
    make_tenant,
)

ADMIN = Actor(account_id=None, name="管理员")
NOW = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def _provider(session: Session, tenant) -> ServiceProvider:
    provider = make_service_provider(session, f"SP{tenant.id}", f"服务商{tenant.id}")
    tenant.provider_id = provider.id
    session.flush()
    return provider


def _staff(
    session: Session,
    provider_id: int,
    tenant_id: int | None,
    name: str,
    *,
    role: str = "staff",
    grant: str | None = "provider_staff",
) -> tuple[int, Actor]:
    """A provider person serving `tenant_id` (None: no company), holding `grant`."""
    account = make_account(session, f"staff-{name}", display_name=name, kind="provider")
    staff = ProviderStaff(provider_id=provider_id, account_id=account.id, name=name, role=role)
    session.add(staff)
    session.flush()
    if grant is not None:
        roles = ensure_builtin_roles(session=session)
        session.add(
            RoleGrant(
                account_id=account.id,
                role_id=roles[grant].id,
                scope=GrantScope.provider.value,
                provider_id=provider_id,
            )
        )
    if tenant_id is not None:
        session.add(ProviderStaffTenant(tenant_id=tenant_id, staff_id=staff.id))
    session.flush()
    return staff.id, Actor(account_id=account.id, name=name)


def _orders(session: Session):
    tenant = make_tenant(session)
    provider = _provider(session, tenant)
    site = make_site(session, tenant, "总部大楼", address="科技园路 1 号")
    cabinet = make_cabinet(session, tenant)
    cabinet.site_id = site.id
    item = make_item(session, tenant)
    orders = []
    for n in range(5):
        slot = make_slot(session, cabinet, f"A{n}")
        order, _ = open_once(
            session=session,
            cabinet=cabinet,
            kind=WorkOrderKind.replenishment,
            dedupe_key=f"replenish:slot:{slot.id}:item:{item.id}",
            title_key="workorder.replenish",
            title_params={
                "cabinet": cabinet.name,
                "code": cabinet.code,
                "slot": slot.code,
                "item": item.name,
                "stock": 1,
                "minimum": 5,
            },
            lines=[PickLine(slot.id, item.id, 9)],
        )
        orders.append(order)
    close_order(session=session, tenant_id=tenant.id, dedupe_key=orders[0].dedupe_key, done={})
    return tenant, provider, orders


def test_lists_pick_lists_and_pages(session: Session) -> None:
    tenant, _, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    open_ids = [o.id for o in reversed(orders[1:])]
    listed = console.list_orders(session=session, scope=scope).rows
    assert [r.id for r in listed] == open_ids
    row = listed[0]
    assert (row.tenant, row.site, row.address) == (tenant.name, "总部大楼", "科技园路 1 号")
    assert row.cabinet.startswith("测试柜") and row.cabinet_code.startswith("CAB-T-")
    assert [
        r.id for r in console.list_orders(session=session, scope=scope, status="done").rows
    ] == [orders[0].id]
    first = console.list_orders(session=session, scope=scope, status="all", limit=3)
    rest = console.list_orders(
        session=session, scope=scope, status="all", after_id=first.next_after_id, limit=3
    )
    assert [r.id for r in first.rows + rest.rows] == [o.id for o in reversed(orders)]
    assert rest.next_after_id is None
    (line,) = console.pick_list(session=session, scope=scope, order_id=orders[1].id)
    assert (line.slot, line.requested, line.done) == ("A1", 9, 0)
    with pytest.raises(ValidationError):
        console.list_orders(session=session, scope=scope, status="everything")
    with pytest.raises(NotFoundError):
        console.pick_list(
            session=session, scope=TenantScope.single(tenant.id + 99), order_id=orders[1].id
        )


def test_titles_are_shown_in_the_readers_language(session: Session) -> None:
    tenant, _, _ = _orders(session)
    scope = TenantScope.single(tenant.id)
    row = console.list_orders(session=session, scope=scope).rows[-1]
    shown = {
        locale: title_in(
            title=row.title,
            title_key=row.title_key,
            title_params=row.title_params,
            cancel_reason=row.cancel_reason,
            locale=locale,
        )
        for locale in ("zh-CN", "en")
    }
    assert shown["en"].startswith("Restock ") and "slot A1" in shown["en"]
    assert shown["zh-CN"].startswith("补货：") and "A1 格" in shown["zh-CN"]
    # an order written before titles had keys is shown as written
    legacy = title_in(
        title="旧工单", title_key=None, title_params=None, cancel_reason="搬迁", locale="en"
    )
    assert legacy == "旧工单 — 搬迁"


def test_dispatch_goes_only_to_provider_staff(session: Session) -> None:
    tenant, provider, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    serving, _ = _staff(session, provider.id, tenant.id, "赵师傅")
    admin, _ = _staff(
        session, provider.id, tenant.id, "孙经理", role="admin", grant="provider_admin"
    )
    no_role, _ = _staff(session, provider.id, tenant.id, "周新人", grant=None)
    stranger, _ = _staff(session, provider.id, None, "钱师傅")
    other = make_service_provider(session, "SP-OTHER", "别家")
    elsewhere, _ = _staff(session, other.id, tenant.id, "吴外援")
    assert console.staff_for(session=session, scope=scope, order_id=orders[1].id) == [
        (serving, "赵师傅")
    ]
    for refused_id in (admin, no_role, stranger, elsewhere):
        with pytest.raises(ValidationError) as refused:
            console.assign(
                session=session,
                scope=scope,
                order_id=orders[1].id,
                staff_id=refused_id,
                actor=ADMIN,
            )
        assert refused.value.key == "workorders.not_serving"
    assigned = console.assign(
        session=session, scope=scope, order_id=orders[1].id, staff_id=serving, actor=ADMIN
    )
    assert (assigned.status, assigned.assignee_staff_id) == ("assigned", serving)


def test_staff_start_and_finish_an_order(session: Session) -> None:
    tenant, provider, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    staff_id, staff = _staff(session, provider.id, tenant.id, "赵师傅")
    started = console.start(
        session=session, scope=scope, order_id=orders[1].id, actor=staff, now=NOW
    )
    assert (started.status, started.assignee_staff_id) == ("in_progress", staff_id)
    assert started.started_at.replace(tzinfo=UTC) == NOW
    with pytest.raises(ValidationError) as again:
        console.start(session=session, scope=scope, order_id=orders[1].id, actor=staff)
    assert again.value.key == "workorders.started_already"
    done = console.finish(session=session, scope=scope, order_id=orders[1].id, actor=staff, now=NOW)
    assert (done.status, done.closed_at.replace(tzinfo=UTC)) == ("done", NOW)
    for change in (console.start, console.finish):  # a closed order is left alone
        with pytest.raises(ValidationError) as closed:
            change(session=session, scope=scope, order_id=orders[1].id, actor=staff)
        assert closed.value.key == "workorders.not_open"
    # an admin starting an order does not become its assignee
    by_admin = console.start(session=session, scope=scope, order_id=orders[3].id, actor=ADMIN)
    assert (by_admin.status, by_admin.assignee_staff_id) == ("in_progress", None)
    audited = session.exec(
        select(AuditLog.entity_id, AuditLog.actor_name).where(
            AuditLog.action == "work_order.update"
        )
    ).all()
    assert sorted(audited) == sorted(
        [
            (str(orders[1].id), "赵师傅"),
            (str(orders[1].id), "赵师傅"),
            (str(orders[3].id), "管理员"),
        ]
    )


def test_cancel_needs_a_reason_and_leaves_closed_orders_alone(session: Session) -> None:
    tenant, _, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    with pytest.raises(ValidationError):
        console.cancel(session=session, scope=scope, order_id=orders[2].id, reason=" ", actor=ADMIN)
    cancelled = console.cancel(
        session=session, scope=scope, order_id=orders[2].id, reason="柜子搬迁", actor=ADMIN
    )
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "柜子搬迁")
    row = console.list_orders(session=session, scope=scope, status="cancelled").rows[0]
    assert title_in(
        title=row.title,
        title_key=row.title_key,
        title_params=row.title_params,
        cancel_reason=row.cancel_reason,
        locale="en",
    ).endswith(" — 柜子搬迁")
    for closed in (orders[0], orders[2]):  # done, cancelled: nothing more to do
        with pytest.raises(ValidationError):
            console.cancel(
                session=session, scope=scope, order_id=closed.id, reason="x", actor=ADMIN
            )
    audited = session.exec(
        select(AuditLog.entity_id).where(AuditLog.action == "work_order.update")
    ).all()
    assert audited == [str(orders[2].id)]
