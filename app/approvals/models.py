"""Approval flows configured by a tenant, and the requests employees raise against them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, timestamp
from app.core.text import line_field, text_field


class FlowTrigger(StrEnum):
    restricted_item = "restricted_item"
    over_quota = "over_quota"
    amount = "amount"


class ApproverKind(StrEnum):
    department_manager = "department_manager"
    role = "role"
    user = "user"


class RequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    expired = "expired"
    used = "used"


class Decision(StrEnum):
    approve = "approve"
    reject = "reject"


class ApprovalFlow(TenantOwned, table=True):
    __tablename__ = "approval_flow"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        enum_check("trigger", FlowTrigger),
        CheckConstraint("min_amount_cents >= 0", name="min_amount_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(field="flow", max_length=80)
    trigger: str = enum_field(FlowTrigger)
    min_amount_cents: int = 0
    item_id: int | None = Field(default=None, foreign_key="item.id", ondelete="CASCADE")
    is_active: bool = True
    created_at: datetime = timestamp()


class ApprovalStep(TenantOwned, table=True):
    __tablename__ = "approval_step"
    __table_args__ = (
        UniqueConstraint("flow_id", "step_no"),
        enum_check("approver_kind", ApproverKind),
        CheckConstraint("step_no >= 1", name="step_no_positive"),
        CheckConstraint(
            "(approver_kind <> 'role' OR approver_role_id IS NOT NULL)"
            " AND (approver_kind <> 'user' OR approver_user_id IS NOT NULL)",
            name="approver_given",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    flow_id: int = Field(foreign_key="approval_flow.id", index=True, ondelete="CASCADE")
    step_no: int
    approver_kind: str = enum_field(ApproverKind)
    approver_role_id: int | None = Field(default=None, foreign_key="role.id", ondelete="RESTRICT")
    approver_user_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="RESTRICT"
    )


class ApprovalRequest(TenantOwned, table=True):
    __tablename__ = "approval_request"
    __table_args__ = (
        enum_check("status", RequestStatus),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        CheckConstraint("current_step >= 1", name="current_step_positive"),
        Index(
            "ix_approval_request_tenant_id_status_created_at", "tenant_id", "status", "created_at"
        ),
        Index("ix_approval_request_tenant_id_requester_id", "tenant_id", "requester_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    flow_id: int = Field(foreign_key="approval_flow.id", ondelete="RESTRICT")
    requester_id: int = Field(foreign_key="app_user.id", ondelete="RESTRICT")
    item_id: int | None = Field(default=None, foreign_key="item.id", ondelete="RESTRICT")
    cabinet_id: int | None = Field(default=None, foreign_key="cabinet.id", ondelete="SET NULL")
    quantity: int = 1
    amount_cents: int = 0
    reason: str = text_field(field="reason", max_length=500)
    status: str = enum_field(RequestStatus, RequestStatus.pending)
    current_step: int = 1
    valid_until: datetime | None = timestamp(nullable=True)
    decided_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()


class ApprovalAction(TenantOwned, table=True):
    __tablename__ = "approval_action"
    __table_args__ = (
        UniqueConstraint("request_id", "step_no"),
        enum_check("decision", Decision),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="approval_request.id", index=True, ondelete="CASCADE")
    step_no: int
    approver_id: int = Field(foreign_key="app_user.id", ondelete="RESTRICT")
    decision: str = enum_field(Decision)
    comment: str | None = text_field(field="comment", default=None, max_length=500)
    created_at: datetime = timestamp()
