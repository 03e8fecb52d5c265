"""Work orders for people (the tenant's service provider): one open order per root cause.

`open_once` is the only way to open one: a second cause with the same dedupe key adds nothing
while the first is open (the partial unique index settles a race between two transactions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.cabinets.models import Cabinet
from app.core.i18n import t
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Tenant
from app.webhooks.services import hooks as webhooks
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderLine, WorkOrderStatus

OPEN = (
    WorkOrderStatus.open.value,
    WorkOrderStatus.assigned.value,
    WorkOrderStatus.in_progress.value,
)


@dataclass(frozen=True)
class PickLine:
    slot_id: int | None
    item_id: int
    quantity: int


def title_in(
    *,
    title: str,
    title_key: str | None,
    title_params: dict[str, Any] | None,
    cancel_reason: str | None,
    locale: str,
) -> str:
    """An order's title in the reader's language (orders from before keys: as written)."""
    text = title
    if title_key:
        try:
            text = t(title_key, locale, **(title_params or {}))
        except (KeyError, IndexError):  # params written for an older wording of the message
            text = title
    return f"{text} — {cancel_reason}" if cancel_reason else text


def open_order(session: Session, tenant_id: int, dedupe_key: str) -> WorkOrder | None:
    return session.exec(
        scoped_select(WorkOrder, TenantScope.single(tenant_id)).where(
            WorkOrder.dedupe_key == dedupe_key, col(WorkOrder.status).in_(OPEN)
        )
    ).first()


def open_once(
    *,
    session: Session,
    cabinet: Cabinet,
    kind: WorkOrderKind,
    dedupe_key: str,
    title_key: str,
    title_params: dict[str, object],
    lines: Sequence[PickLine] = (),
    now: datetime | None = None,
) -> tuple[WorkOrder | None, bool]:
    """The open order for this root cause, and whether it was opened now (None: another
    transaction opened it a moment ago and it is closed already)."""
    existing = open_order(session, cabinet.tenant_id, dedupe_key)
    if existing is not None:
        return existing, False
    tenant = session.get_one(Tenant, cabinet.tenant_id)
    order = WorkOrder(
        tenant_id=cabinet.tenant_id,
        provider_id=tenant.provider_id,
        cabinet_id=cabinet.id,
        kind=kind.value,
        # written once in the tenant's language (for exports that read the column); the console
        # shows it from the key and params, in each reader's language
        title=t(title_key, (tenant.settings or {}).get("locale", "zh-CN"), **title_params)[:200],
        title_key=title_key,
        title_params=dict(title_params),
        dedupe_key=dedupe_key,
        created_at=now or datetime.now(UTC),
    )
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
    except IntegrityError:  # another transaction opened it a moment ago
        return open_order(session, cabinet.tenant_id, dedupe_key), False
    for line in lines:
        session.add(
            WorkOrderLine(
                tenant_id=cabinet.tenant_id,
                work_order_id=pk(order),
                slot_id=line.slot_id,
                item_id=line.item_id,
                quantity_requested=line.quantity,
            )
        )
    session.flush()
    webhooks.work_order_changed(session, order, "workorder.created", order.created_at)
    return order, True


def close_order(
    *,
    session: Session,
    tenant_id: int,
    dedupe_key: str,
    done: dict[int, int],
    door_session_id: int | None = None,
    at: datetime | None = None,
) -> WorkOrder | None:
    """Mark the open order of this cause done, with what was done per item."""
    order = open_order(session, tenant_id, dedupe_key)
    if order is None:
        return None
    order.status = WorkOrderStatus.done.value
    order.closed_at = at or datetime.now(UTC)
    order.door_session_id = door_session_id or order.door_session_id
    lines = session.exec(
        scoped_select(WorkOrderLine, TenantScope.single(tenant_id)).where(
            WorkOrderLine.work_order_id == order.id
        )
    )
    for line in lines:
        line.quantity_done = done.get(line.item_id, line.quantity_done)
    session.flush()
    webhooks.work_order_changed(session, order, "workorder.done", order.closed_at)
    return order
