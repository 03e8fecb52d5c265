"""Approvals as the console shows them: every request of the scope (waiting ones first by
default, keyset pages) with its flow, step and latest comment; whether the signed-in person may
decide the current step (the same rule as on the phone: app/approvals/services/approvals.py); and
the tenant's flows with their steps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.approvals.models import ApprovalRequest, ApprovalStep, ApproverKind, RequestStatus
from app.approvals.queries.inbox import RequestView, views
from app.approvals.services.approvals import may_decide
from app.approvals.services.flows import flows_listed, steps_of
from app.auth.models import Role
from app.auth.services.catalogue import role_label
from app.core.errors import ValidationError
from app.core.i18n import DEFAULT_LOCALE
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, scope_filter
from app.org.models import User

PAGE_SIZE = 30
STATUSES = ("pending", "decided", "all")


@dataclass(frozen=True)
class RequestPage:
    rows: list[RequestView]
    mine_to_decide: frozenset[int]  # the ids the given person may decide now
    next_after_id: int | None
    total: int = 0


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
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(ApprovalRequest.id) < after_id)
    found = list(session.exec(statement.order_by(col(ApprovalRequest.id).desc()).limit(limit + 1)))
    page = found[:limit]
    return RequestPage(
        views(session, page),
        frozenset(_decidable(session, page, approver_id)),
        page[-1].id if len(found) > limit else None,
        total,
    )


def _decidable(
    session: Session, requests: list[ApprovalRequest], approver_id: int | None
) -> Iterator[int]:
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
        requester = session.get_one(User, request.requester_id)
        if step is not None and may_decide(session, step, requester, approver):
            yield pk(request)


@dataclass(frozen=True)
class StepView:
    value: str  # as the flow form holds it: "department_manager", "role:<id>", "user:<id>"
    kind: str
    name: str  # the role's or the person's name; "" for the department manager


@dataclass(frozen=True)
class FlowView:
    id: int
    name: str
    trigger: str
    min_amount_cents: int
    steps: list[StepView]
    is_active: bool


def _step_view(session: Session, step: ApprovalStep, locale: str) -> StepView:
    if step.approver_kind == ApproverKind.role.value:
        role = session.get_one(Role, step.approver_role_id)
        return StepView(
            f"role:{step.approver_role_id}", step.approver_kind, role_label(role, locale)
        )
    if step.approver_kind == ApproverKind.user.value:
        user = session.get_one(User, step.approver_user_id)
        return StepView(f"user:{step.approver_user_id}", step.approver_kind, user.name)
    return StepView(step.approver_kind, step.approver_kind, "")


def list_flows(
    *, session: Session, scope: TenantScope, locale: str = DEFAULT_LOCALE
) -> list[FlowView]:
    return [
        FlowView(
            pk(flow),
            flow.name,
            flow.trigger,
            flow.min_amount_cents,
            [_step_view(session, step, locale) for step in steps_of(session, pk(flow))],
            flow.is_active,
        )
        for flow in flows_listed(session, scope)
    ]
