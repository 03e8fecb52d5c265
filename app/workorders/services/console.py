"""Work orders as the console shows them: the list (open ones first by default, by status and
kind, keyset pages) with the tenant, the cabinet (name and code) and where it stands, an order's
pick list, and what people do to one — assign it to a member of the provider's staff (业务员)
who serves the tenant, start it, mark it done, or cancel it with a reason (all audited).

A replenishment order is also done by the restock session that weighs the refill
(app/workorders/services/workorders.py `close_order`); done by a click, its lines keep what was
weighed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services.records import Actor, update_scoped
from app.auth.models import Role, RoleGrant
from app.cabinets.models import Cabinet, Site, Slot
from app.core.errors import ValidationError
from app.core.model_base import keyed, pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.items.models import Item
from app.tenants.models import ProviderStaff, ProviderStaffRole, ProviderStaffTenant, Tenant
from app.webhooks.services import hooks as webhooks
from app.workorders.models import WorkOrder, WorkOrderLine, WorkOrderStatus
from app.workorders.services.workorders import OPEN

PAGE_SIZE = 30
STATUS_FILTERS = ("open", "done", "cancelled", "all")
STAFF_ROLE = "provider_staff"  # the built-in role (app/auth/services/catalogue.py) orders go to
STARTABLE = (WorkOrderStatus.open.value, WorkOrderStatus.assigned.value)


@dataclass(frozen=True)
class OrderRow:
    id: int
    title: str
    title_key: str | None
    title_params: dict[str, Any] | None
    cancel_reason: str | None
    kind: str
    status: str
    tenant: str
    cabinet: str
    cabinet_code: str
    site: str
    address: str
    assignee: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    next_after_id: int | None
    total: int = 0


def list_orders(
    *,
    session: Session,
    scope: TenantScope,
    status: str = "open",
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> OrderPage:
    if status not in STATUS_FILTERS:
        raise ValidationError(field="status")
    statement = (
        select(WorkOrder, Tenant.name, Cabinet, Site, ProviderStaff.name)  # type: ignore[call-overload]
        .join(Tenant, Tenant.id == WorkOrder.tenant_id)
        .join(Cabinet, Cabinet.id == WorkOrder.cabinet_id, isouter=True)
        .join(Site, Site.id == Cabinet.site_id, isouter=True)
        .join(ProviderStaff, ProviderStaff.id == WorkOrder.assignee_staff_id, isouter=True)
        .where(scope_filter(WorkOrder, scope))
    )
    if status == "open":
        statement = statement.where(col(WorkOrder.status).in_(OPEN))
    elif status != "all":
        statement = statement.where(WorkOrder.status == status)
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(WorkOrder.id) < after_id)
    found = session.exec(statement.order_by(col(WorkOrder.id).desc()).limit(limit + 1)).all()
    rows = [_row(*columns) for columns in found[:limit]]
    return OrderPage(rows, rows[-1].id if len(found) > limit else None, total)


def _row(
    o: WorkOrder, tenant: str, cabinet: Cabinet | None, site: Site | None, staff: str | None
) -> OrderRow:
    return OrderRow(
        id=pk(o),
        title=o.title,
        title_key=o.title_key,
        title_params=o.title_params,
        cancel_reason=o.cancel_reason,
        kind=o.kind,
        status=o.status,
        tenant=tenant,
        cabinet=cabinet.name if cabinet else "",
        cabinet_code=cabinet.code if cabinet else "",
        site=site.name if site else "",
        address=(site.address or "") if site else "",
        assignee=staff or "",
        created_at=o.created_at,
        closed_at=o.closed_at,
    )


@dataclass(frozen=True)
class PickLine:
    slot: str
    item: str
    requested: int
    done: int


def pick_list(*, session: Session, scope: TenantScope, order_id: int) -> list[PickLine]:
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    rows = session.exec(
        select(WorkOrderLine, Slot.code, Item.name)
        .join(Item, col(Item.id) == WorkOrderLine.item_id)
        .join(Slot, col(Slot.id) == WorkOrderLine.slot_id, isouter=True)
        .where(WorkOrderLine.work_order_id == order.id)
        .order_by(Slot.code, col(WorkOrderLine.id))
    ).all()
    return [
        PickLine(slot or "", item, line.quantity_requested, line.quantity_done)
        for line, slot, item in rows
    ]


def staff_for(*, session: Session, scope: TenantScope, order_id: int) -> list[tuple[int, str]]:
    """Who may take this order: active 业务员 of the order's provider who serve its tenant and
    hold the provider-staff role of that provider (never its admins)."""
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    rows = session.exec(
        select(ProviderStaff.id, ProviderStaff.name)
        .join(ProviderStaffTenant, col(ProviderStaffTenant.staff_id) == ProviderStaff.id)
        .join(RoleGrant, col(RoleGrant.account_id) == ProviderStaff.account_id)
        .join(Role, col(Role.id) == RoleGrant.role_id)
        .where(
            ProviderStaffTenant.tenant_id == order.tenant_id,
            ProviderStaff.provider_id == order.provider_id,
            ProviderStaff.role == ProviderStaffRole.staff.value,
            ProviderStaff.is_active,
            Role.code == STAFF_ROLE,
            col(Role.tenant_id).is_(None),
            RoleGrant.provider_id == order.provider_id,
        )
        .distinct()
        .order_by(ProviderStaff.name)
    ).all()
    return keyed(rows)


def _open_or_raise(session: Session, scope: TenantScope, order_id: int) -> WorkOrder:
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    if order.status not in OPEN:
        raise ValidationError("workorders.not_open", field="status")
    return order


def assign(
    *, session: Session, scope: TenantScope, order_id: int, staff_id: int, actor: Actor
) -> WorkOrder:
    order = _open_or_raise(session, scope, order_id)
    allowed = {i for i, _ in staff_for(session=session, scope=scope, order_id=order_id)}
    if staff_id not in allowed:
        raise ValidationError("workorders.not_serving", field="assignee")
    changes = {"assignee_staff_id": staff_id, "status": WorkOrderStatus.assigned.value}
    if order.status == WorkOrderStatus.in_progress.value:
        changes.pop("status")
    return update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)


def _own_staff_id(session: Session, scope: TenantScope, order_id: int, actor: Actor) -> int | None:
    """The actor's staff id when they are one of those who may take this order."""
    if actor.account_id is None:
        return None
    mine = session.exec(
        select(ProviderStaff.id).where(ProviderStaff.account_id == actor.account_id)
    ).first()
    allowed = {i for i, _ in staff_for(session=session, scope=scope, order_id=order_id)}
    return mine if mine in allowed else None


def start(
    *,
    session: Session,
    scope: TenantScope,
    order_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> WorkOrder:
    """On the way: in progress; an unassigned order is taken by the 业务员 who starts it."""
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    if order.status not in STARTABLE:
        key = "workorders.not_open" if order.status not in OPEN else "workorders.started_already"
        raise ValidationError(key, field="status")
    changes: dict[str, object] = {
        "status": WorkOrderStatus.in_progress.value,
        "started_at": now or datetime.now(UTC),
    }
    if order.assignee_staff_id is None:
        mine = _own_staff_id(session, scope, order_id, actor)
        if mine is not None:
            changes["assignee_staff_id"] = mine
    return update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)


def finish(
    *,
    session: Session,
    scope: TenantScope,
    order_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> WorkOrder:
    """Done by a click (an order that is open, assigned or in progress)."""
    _open_or_raise(session, scope, order_id)
    changes = {"status": WorkOrderStatus.done.value, "closed_at": now or datetime.now(UTC)}
    order = update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)
    webhooks.work_order_changed(session, order, "workorder.done", order.closed_at)
    return order


def cancel(
    *, session: Session, scope: TenantScope, order_id: int, reason: str, actor: Actor
) -> WorkOrder:
    _open_or_raise(session, scope, order_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(field="reason")
    changes = {
        "status": WorkOrderStatus.cancelled.value,
        "closed_at": datetime.now(UTC),
        "cancel_reason": reason[:120],
    }
    return update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)


def move_order(
    *,
    session: Session,
    scope: TenantScope,
    order_id: int,
    status: str,
    reason: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> WorkOrder:
    """Move an order to `status` the way the console's buttons do (a field system's update)."""
    if status == WorkOrderStatus.in_progress.value:
        return start(session=session, scope=scope, order_id=order_id, actor=actor, now=now)
    if status == WorkOrderStatus.done.value:
        return finish(session=session, scope=scope, order_id=order_id, actor=actor, now=now)
    if status == WorkOrderStatus.cancelled.value:
        return cancel(session=session, scope=scope, order_id=order_id, reason=reason, actor=actor)
    raise ValidationError(field="status")
