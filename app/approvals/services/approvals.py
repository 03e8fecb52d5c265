"""Approvals: an employee asks (from the phone), the approvers of each step of the tenant's flow
decide in turn (department manager, a role, a named person), and an approved request lets the
employee open once — at once, if they are still waiting at the cabinet they asked from.

Rules: a reason is required; only an approver of the current step may decide, once per step;
a rejection ends the request; an approval is valid for VALID_FOR and used by one door session.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.approvals.models import (
    ApprovalAction,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    ApproverKind,
    Decision,
    FlowTrigger,
    RequestStatus,
)
from app.audit.services import audit
from app.auth.models import RoleGrant
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.core.text import refuse_unsafe
from app.org.models import Department, DepartmentManager, User
from app.withdrawals.models import DoorSession

VALID_FOR = timedelta(days=1)
STILL_WAITING = timedelta(minutes=10)  # asked at the cabinet this recently: open it right away


def _flow(session: Session, tenant_id: int, trigger: FlowTrigger) -> ApprovalFlow:
    flow = session.exec(
        scoped_select(ApprovalFlow, TenantScope.single(tenant_id))
        .where(ApprovalFlow.trigger == trigger.value, ApprovalFlow.is_active)
        .order_by(col(ApprovalFlow.id))
    ).first()
    if flow is None:
        raise ValidationError("approval.no_flow", field="flow")
    return flow


def _steps(session: Session, flow: ApprovalFlow) -> list[ApprovalStep]:
    statement = select(ApprovalStep).where(ApprovalStep.flow_id == flow.id)
    return list(session.exec(statement.order_by(col(ApprovalStep.step_no))))


def ask(
    *,
    session: Session,
    requester: User,
    reason: str,
    trigger: FlowTrigger = FlowTrigger.over_quota,
    cabinet_id: int | None = None,
    item_id: int | None = None,
    quantity: int = 1,
    now: datetime | None = None,
) -> ApprovalRequest:
    if not (reason or "").strip():
        raise ValidationError("error.required", field="reason")
    refuse_unsafe(reason, "reason", multiline=True)
    if quantity < 1:
        raise ValidationError("error.not_a_count", field="quantity", row=1)
    flow = _flow(session, requester.tenant_id, trigger)
    request = ApprovalRequest(
        tenant_id=requester.tenant_id,
        flow_id=pk(flow),
        requester_id=pk(requester),
        item_id=item_id,
        cabinet_id=cabinet_id,
        quantity=quantity,
        reason=reason.strip()[:500],
        created_at=now or datetime.now(UTC),
    )
    session.add(request)
    session.flush()
    return request


def _nearest_managers(session: Session, requester: User) -> set[int]:
    """The managers of the requester's department, or of the nearest department above it that
    has one (someone managing their own department answers to the next one up)."""
    if requester.department_id is None:
        return set()
    department = session.get_one(Department, requester.department_id)
    chain = [int(part) for part in department.path.strip("/").split("/") if part][::-1]
    managers: dict[int, set[int]] = {}
    for department_id, user_id in session.exec(
        select(DepartmentManager.department_id, DepartmentManager.user_id).where(
            col(DepartmentManager.department_id).in_(chain)
        )
    ):
        managers.setdefault(department_id, set()).add(user_id)
    for department_id in chain:
        deciding = managers.get(department_id, set()) - {requester.id}
        if deciding:
            return deciding
    return set()


def may_decide(session: Session, step: ApprovalStep, requester: User, approver: User) -> bool:
    if approver.id == requester.id or approver.tenant_id != requester.tenant_id:
        return False  # nobody approves their own request
    if step.approver_kind == ApproverKind.user.value:
        return approver.id == step.approver_user_id
    if step.approver_kind == ApproverKind.department_manager.value:
        return approver.id in _nearest_managers(session, requester)
    return approver.account_id is not None and bool(
        session.exec(
            select(RoleGrant.id).where(
                RoleGrant.account_id == approver.account_id,
                RoleGrant.role_id == step.approver_role_id,
                RoleGrant.tenant_id == approver.tenant_id,
            )
        ).first()
    )


def decide(
    *,
    session: Session,
    scope: TenantScope,
    request_id: int,
    approver: User,
    decision: Decision,
    comment: str | None = None,
    now: datetime | None = None,
) -> ApprovalRequest:
    """One approver's decision on the current step; the request moves on, ends or is approved."""
    now = now or datetime.now(UTC)
    request = get_scoped_or_raise(session, ApprovalRequest, request_id, scope)
    if request.status != RequestStatus.pending.value:
        raise ValidationError("approval.not_pending", field="request")
    requester = session.get_one(User, request.requester_id)
    steps = _steps(session, session.get_one(ApprovalFlow, request.flow_id))
    step = steps[request.current_step - 1]
    if not may_decide(session, step, requester, approver):
        raise PermissionDeniedError("approval.not_your_step")
    comment = (comment or "").strip()[:500] or None
    if comment is not None:
        refuse_unsafe(comment, "comment", multiline=True)
    try:
        with session.begin_nested():  # one decision per step, even from two approvers at once
            session.add(
                ApprovalAction(
                    tenant_id=request.tenant_id,
                    request_id=pk(request),
                    step_no=step.step_no,
                    approver_id=pk(approver),
                    decision=decision.value,
                    comment=comment,
                    created_at=now,
                )
            )
            session.flush()
    except IntegrityError:
        raise ValidationError("approval.not_pending", field="request") from None
    before = request.status
    if decision == Decision.reject:
        request.status, request.decided_at = RequestStatus.rejected.value, now
    elif request.current_step < len(steps):
        request.current_step += 1
    else:
        request.status, request.decided_at = RequestStatus.approved.value, now
        request.valid_until = now + VALID_FOR
    audit.record(
        session=session,
        action="approval.decide",
        entity="approval_request",
        entity_id=request.id,
        tenant_id=request.tenant_id,
        actor_name=approver.name,
        before={"status": before},
        after={"status": request.status, "step": step.step_no, "decision": decision.value},
    )
    session.flush()
    return request


def usable(*, session: Session, person: User, now: datetime) -> ApprovalRequest | None:
    """An approved request of this person, not used yet and still valid."""
    return session.exec(
        scoped_select(ApprovalRequest, TenantScope.single(person.tenant_id))
        .where(
            ApprovalRequest.requester_id == person.id,
            ApprovalRequest.status == RequestStatus.approved.value,
            col(ApprovalRequest.valid_until) >= now,
        )
        .order_by(col(ApprovalRequest.id))
    ).first()


def use(*, session: Session, request: ApprovalRequest, door: DoorSession) -> None:
    """The approval opened this door; the session remembers it for what is taken."""
    request.status = RequestStatus.used.value
    door.identification = (door.identification or {}) | {
        "approval": {"request": request.id, "item": request.item_id, "quantity": request.quantity}
    }
    session.flush()


def still_waiting(request: ApprovalRequest, now: datetime) -> bool:
    created = (
        request.created_at if request.created_at.tzinfo else request.created_at.replace(tzinfo=UTC)
    )
    return request.cabinet_id is not None and now - created <= STILL_WAITING
