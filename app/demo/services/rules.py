"""The demo tenants' quota rules and approval flows."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from app.approvals.models import ApprovalFlow, ApprovalStep, ApproverKind, FlowTrigger
from app.core.model_base import pk
from app.items.models import Item, ItemType
from app.quotas.models import OverQuotaPolicy, QuotaLimitKind, QuotaRule, QuotaSubject, QuotaTarget
from app.tenants.models import Tenant


def seed_rules(
    session: Session,
    tenant: Tenant,
    items: list[Item],
    *,
    add: Callable[..., None],
    admin_role_id: int,
) -> None:
    """Two quota rules (a monthly count for everyone, a cost cap on computer accessories) and
    two approval flows (over quota: the manager; restricted items: manager then admin)."""
    computer = session.exec(
        select(ItemType).where(ItemType.tenant_id == tenant.id, ItemType.name == "电脑周边")
    ).one()
    add(
        QuotaRule(
            tenant_id=pk(tenant),
            name="每人每月领用上限 30 件",
            subject_kind=QuotaSubject.tenant.value,
            target_kind=QuotaTarget.all.value,
            period="month",
            limit_kind=QuotaLimitKind.count.value,
            limit_value=30,
            over_policy=OverQuotaPolicy.require_approval.value,
        ),
        QuotaRule(
            tenant_id=pk(tenant),
            name="电脑周边每月 ¥200",
            subject_kind=QuotaSubject.tenant.value,
            target_kind=QuotaTarget.item_type.value,
            target_id=computer.id,
            period="month",
            limit_kind=QuotaLimitKind.cost.value,
            limit_value=20000,
            over_policy=OverQuotaPolicy.notify_manager.value,
        ),
    )
    over = ApprovalFlow(
        tenant_id=pk(tenant), name="超额领用审批", trigger=FlowTrigger.over_quota.value
    )
    add(over)
    add(
        ApprovalStep(
            tenant_id=pk(tenant),
            flow_id=pk(over),
            step_no=1,
            approver_kind=ApproverKind.department_manager.value,
        )
    )
    flow = ApprovalFlow(
        tenant_id=pk(tenant), name="高值物品领用审批", trigger=FlowTrigger.restricted_item.value
    )
    add(flow)
    add(
        ApprovalStep(
            tenant_id=pk(tenant),
            flow_id=pk(flow),
            step_no=1,
            approver_kind=ApproverKind.department_manager.value,
        ),
        ApprovalStep(
            tenant_id=pk(tenant),
            flow_id=pk(flow),
            step_no=2,
            approver_kind=ApproverKind.role.value,
            approver_role_id=admin_role_id,
        ),
    )
