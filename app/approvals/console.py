"""Approvals as the console shows them: every request of the scope (waiting ones first by
default, keyset pages) with its flow, step and latest comment; whether the signed-in person may
decide the current step (the same rule as on the phone: app/approvals/service.py); and the
tenant's flows with their steps."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.approvals.inbox import RequestView, views
from app.approvals.models import ApprovalFlow, ApprovalRequest, ApprovalStep, RequestStatus
from app.approvals.service import may_decide
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope, scope_filter
from app.org.models import User

PAGE_SIZE = 30
STATUSES = ("pending", "decided", "all")


@dataclass(frozen=True)
class RequestPage:
    rows: list[RequestView]
    mine_to_decide: frozenset[int]  # the ids the given person may decide now
    next_after_id: int | None


def list_requests(
    *,
    session: Session,
    scope: TenantScope,
    status: str = "pending",
    approver_id: int | None = None,
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> RequestPage:
    if status not in STATUSES:
        raise ValidationError(field="status")
    statement = select(ApprovalRequest).where(scope_filter(ApprovalRequest, scope))
    if status == "pending":
        statement = statement.where(ApprovalRequest.status == RequestStatus.pending.value)
    elif status == "decided":
        statement = statement.where(ApprovalRequest.status != RequestStatus.pending.value)
    if after_id is not None:
        statement = statement.where(ApprovalRequest.id < after_id)
    found = list(session.exec(statement.order_by(ApprovalRequest.id.desc()).limit(limit + 1)))
    page = found[:limit]
    return RequestPage(
        views(session, page),
        frozenset(_decidable(session, page, approver_id)),
        page[-1].id if len(found) > limit else None,
    )


def _decidable(session: Session, requests: list[ApprovalRequest], approver_id: int | None):
    approver = session.get(User, approver_id) if approver_id else None
    if approver is None:
        return
    for request in requests:
        if request.status != RequestStatus.pending.value:
            continue
        step = session.exec(
            select(ApprovalStep).where(
                ApprovalStep.flow_id == request.flow_id,
                ApprovalStep.step_no == request.current_step,
            )
        ).first()
        requester = session.get(User, request.requester_id)
        if step is not None and may_decide(session, step, requester, approver):
            yield request.id


@dataclass(frozen=True)
class FlowView:
    id: int
    name: str
    trigger: str
    min_amount_cents: int
    steps: list[str]  # "department_manager", "role:<name>", "user:<name>" in order
    is_active: bool


def list_flows(*, session: Session, scope: TenantScope) -> list[FlowView]:
    flows = session.exec(
        select(ApprovalFlow).where(scope_filter(ApprovalFlow, scope)).order_by(ApprovalFlow.id)
    ).all()
    out = []
    for flow in flows:
        steps = session.exec(
            select(ApprovalStep)
            .where(ApprovalStep.flow_id == flow.id)
            .order_by(ApprovalStep.step_no)
        ).all()
        out.append(
            FlowView(
                flow.id,
                flow.name,
                flow.trigger,
                flow.min_amount_cents,
                [s.approver_kind for s in steps],
                flow.is_active,
            )
        )
    return out
