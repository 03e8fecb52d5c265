"""Work orders as the console shows them: the list (open ones first by default, by status and
kind, keyset pages), an order's pick list, and what people do to one — assign it to a member of
the provider's staff who serves the tenant, or cancel it with a reason (both audited). A
replenishment order is done by the restock session that weighs the refill, not by a click."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from app.cabinets.models import Cabinet, Slot
from app.core.errors import ValidationError
from app.core.records import Actor, update_scoped
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.items.models import Item
from app.tenants.models import ProviderStaff, ProviderStaffTenant
from app.workorders.models import WorkOrder, WorkOrderLine, WorkOrderStatus
from app.workorders.service import OPEN

PAGE_SIZE = 30
STATUS_FILTERS = ("open", "done", "cancelled", "all")


@dataclass(frozen=True)
class OrderRow:
    id: int
    title: str
    kind: str
    status: str
    cabinet: str
    assignee: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class OrderPage:
    rows: list[OrderRow]
    next_after_id: int | None


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
        select(WorkOrder, Cabinet.name, ProviderStaff.name)
        .join(Cabinet, Cabinet.id == WorkOrder.cabinet_id, isouter=True)
        .join(ProviderStaff, ProviderStaff.id == WorkOrder.assignee_staff_id, isouter=True)
        .where(scope_filter(WorkOrder, scope))
    )
    if status == "open":
        statement = statement.where(WorkOrder.status.in_(OPEN))
    elif status != "all":
        statement = statement.where(WorkOrder.status == status)
    if after_id is not None:
        statement = statement.where(WorkOrder.id < after_id)
    found = session.exec(statement.order_by(WorkOrder.id.desc()).limit(limit + 1)).all()
    rows = [
        OrderRow(
            o.id, o.title, o.kind, o.status, cabinet or "", staff or "", o.created_at, o.closed_at
        )
        for o, cabinet, staff in found[:limit]
    ]
    return OrderPage(rows, rows[-1].id if len(found) > limit else None)


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
        .join(Item, Item.id == WorkOrderLine.item_id)
        .join(Slot, Slot.id == WorkOrderLine.slot_id, isouter=True)
        .where(WorkOrderLine.work_order_id == order.id)
        .order_by(Slot.code, WorkOrderLine.id)
    ).all()
    return [
        PickLine(slot or "", item, line.quantity_requested, line.quantity_done)
        for line, slot, item in rows
    ]


def staff_for(*, session: Session, scope: TenantScope, order_id: int) -> list[tuple[int, str]]:
    """Who may take this order: active staff of the provider who serve its tenant."""
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    rows = session.exec(
        select(ProviderStaff.id, ProviderStaff.name)
        .join(ProviderStaffTenant, ProviderStaffTenant.staff_id == ProviderStaff.id)
        .where(ProviderStaffTenant.tenant_id == order.tenant_id, ProviderStaff.is_active)
        .order_by(ProviderStaff.name)
    ).all()
    return [(i, name) for i, name in rows]


def assign(
    *, session: Session, scope: TenantScope, order_id: int, staff_id: int, actor: Actor
) -> WorkOrder:
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    if order.status not in OPEN:
        raise ValidationError("workorders.not_open", field="status")
    allowed = {i for i, _ in staff_for(session=session, scope=scope, order_id=order_id)}
    if staff_id not in allowed:
        raise ValidationError("workorders.not_serving", field="assignee")
    changes = {"assignee_staff_id": staff_id, "status": WorkOrderStatus.assigned.value}
    if order.status == WorkOrderStatus.in_progress.value:
        changes.pop("status")
    return update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)


def cancel(
    *, session: Session, scope: TenantScope, order_id: int, reason: str, actor: Actor
) -> WorkOrder:
    order = get_scoped_or_raise(session, WorkOrder, order_id, scope)
    if order.status not in OPEN:
        raise ValidationError("workorders.not_open", field="status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(field="reason")
    changes = {
        "status": WorkOrderStatus.cancelled.value,
        "closed_at": datetime.now(UTC),
        "title": f"{order.title} — {reason}"[:200],
    }
    return update_scoped(session, WorkOrder, order_id, scope, changes, actor=actor)
