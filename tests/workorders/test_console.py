"""Work orders in the console: open ones listed first, keyset pages, a pick list; assigned only
to staff serving the tenant, cancelled only with a reason, a closed order left alone; audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.auth.models import Account
from app.core.errors import NotFoundError, ValidationError
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.tenants.models import ProviderStaff, ProviderStaffTenant, ServiceProvider
from app.workorders import console
from app.workorders.models import WorkOrderKind
from app.workorders.service import PickLine, close_order, open_once
from tests.factories import make_cabinet, make_item, make_slot, make_tenant

ADMIN = Actor(account_id=None, name="管理员")


def _staff(session: Session, tenant_id: int | None, name: str) -> int:
    provider = ServiceProvider(code=f"SP{name}", name=f"{name}的公司")
    account = Account(username=f"staff-{name}", display_name=name, kind="provider")
    session.add_all([provider, account])
    session.flush()
    staff = ProviderStaff(provider_id=provider.id, account_id=account.id, name=name)
    session.add(staff)
    session.flush()
    if tenant_id is not None:
        session.add(ProviderStaffTenant(tenant_id=tenant_id, staff_id=staff.id))
        session.flush()
    return staff.id


def _orders(session: Session):
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
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
    return tenant, orders


def test_lists_pick_lists_and_pages(session: Session) -> None:
    tenant, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    open_ids = [o.id for o in reversed(orders[1:])]
    assert [r.id for r in console.list_orders(session=session, scope=scope).rows] == open_ids
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


def test_assign_and_cancel_follow_the_rules(session: Session) -> None:
    tenant, orders = _orders(session)
    scope = TenantScope.single(tenant.id)
    serving, stranger = _staff(session, tenant.id, "赵师傅"), _staff(session, None, "钱师傅")
    assert console.staff_for(session=session, scope=scope, order_id=orders[1].id) == [
        (serving, "赵师傅")
    ]
    with pytest.raises(ValidationError) as refused:
        console.assign(
            session=session, scope=scope, order_id=orders[1].id, staff_id=stranger, actor=ADMIN
        )
    assert refused.value.key == "workorders.not_serving"
    assigned = console.assign(
        session=session, scope=scope, order_id=orders[1].id, staff_id=serving, actor=ADMIN
    )
    assert (assigned.status, assigned.assignee_staff_id) == ("assigned", serving)
    with pytest.raises(ValidationError):
        console.cancel(session=session, scope=scope, order_id=orders[2].id, reason=" ", actor=ADMIN)
    cancelled = console.cancel(
        session=session, scope=scope, order_id=orders[2].id, reason="柜子搬迁", actor=ADMIN
    )
    assert cancelled.status == "cancelled" and "柜子搬迁" in cancelled.title
    for closed in (orders[0], orders[2]):  # done, cancelled: nothing more to do
        with pytest.raises(ValidationError):
            console.cancel(
                session=session, scope=scope, order_id=closed.id, reason="x", actor=ADMIN
            )
    audited = session.exec(
        select(AuditLog.entity_id).where(AuditLog.action == "work_order.update")
    ).all()
    assert sorted(audited) == sorted([str(orders[1].id), str(orders[2].id)])
