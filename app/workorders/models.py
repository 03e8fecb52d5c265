"""Work orders for the service provider: replenishment pick lists, repairs, failed commands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    partial_unique_index,
    timestamp,
)


class WorkOrderKind(StrEnum):
    replenishment = "replenishment"
    repair = "repair"
    command_failure = "command_failure"
    exception_review = "exception_review"


class WorkOrderStatus(StrEnum):
    open = "open"
    assigned = "assigned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


_OPEN_SQL = "status IN ('open', 'assigned', 'in_progress')"


class WorkOrder(TenantOwned, table=True):
    __tablename__ = "work_order"
    __table_args__ = (
        enum_check("kind", WorkOrderKind),
        enum_check("status", WorkOrderStatus),
        # At most one open work order per root cause (e.g. 'replenish:slot:12:item:5').
        partial_unique_index(
            "uq_work_order_open_dedupe_key", "tenant_id", "dedupe_key", where=_OPEN_SQL
        ),
        Index("ix_work_order_tenant_id_status_created_at", "tenant_id", "status", "created_at"),
        Index("ix_work_order_provider_id_status", "provider_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int | None = Field(
        default=None, foreign_key="service_provider.id", ondelete="SET NULL"
    )
    cabinet_id: int | None = Field(default=None, foreign_key="cabinet.id", ondelete="SET NULL")
    kind: str = enum_field(WorkOrderKind)
    status: str = enum_field(WorkOrderStatus, WorkOrderStatus.open)
    # as first written (the tenant's language); shown from title_key + title_params when set,
    # so each reader sees it in their own language
    title: str = Field(max_length=200)
    title_key: str | None = Field(default=None, max_length=80)
    title_params: dict | None = json_field()
    cancel_reason: str | None = Field(default=None, max_length=120)
    dedupe_key: str = Field(max_length=120)
    assignee_staff_id: int | None = Field(
        default=None, foreign_key="provider_staff.id", ondelete="SET NULL"
    )
    door_session_id: int | None = Field(
        default=None, foreign_key="door_session.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp()
    started_at: datetime | None = timestamp(nullable=True)
    closed_at: datetime | None = timestamp(nullable=True)


class WorkOrderLine(TenantOwned, table=True):
    __tablename__ = "work_order_line"
    __table_args__ = (
        CheckConstraint("quantity_requested > 0", name="requested_positive"),
        CheckConstraint("quantity_done >= 0", name="done_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    work_order_id: int = Field(foreign_key="work_order.id", index=True, ondelete="CASCADE")
    slot_id: int | None = Field(default=None, foreign_key="slot.id", ondelete="SET NULL")
    item_id: int = Field(foreign_key="item.id", ondelete="RESTRICT")
    quantity_requested: int
    quantity_done: int = 0
