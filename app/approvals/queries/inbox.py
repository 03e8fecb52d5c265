"""What people see of approvals: their own requests with where each stands, and the requests
waiting for their decision (the phone and the console list these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.approvals.models import (
    ApprovalAction,
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    RequestStatus,
)
from app.approvals.services.approvals import may_decide
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.items.models import Item
from app.org.models import User

AWAITING_SCAN = 500  # pending requests of a tenant looked at per inbox read


@dataclass(frozen=True)
class RequestView:
    id: int
    flow: str
    requester: str
    reason: str
    status: str  # pending | approved | rejected | used | expired
    step: int
    steps: int
    item: str | None
    quantity: int
    created_at: datetime
    comment: str | None  # the latest approver's comment


def views(session: Session, requests: list[ApprovalRequest]) -> list[RequestView]:
    if not requests:
        return []
    flow_ids = {r.flow_id for r in requests}
    flows = {
        f.id: f.name
        for f in session.exec(select(ApprovalFlow).where(col(ApprovalFlow.id).in_(flow_ids)))
    }
    step_counts = dict(
        session.exec(
            select(ApprovalStep.flow_id, func.count(col(ApprovalStep.id)))
            .where(col(ApprovalStep.flow_id).in_(flow_ids))
            .group_by(col(ApprovalStep.flow_id))
        ).all()
    )
    people = {
        u.id: u.name
        for u in session.exec(
            select(User).where(col(User.id).in_({r.requester_id for r in requests}))
        )
    }
    item_ids = {r.item_id for r in requests if r.item_id}
    items = {i.id: i.name for i in session.exec(select(Item).where(col(Item.id).in_(item_ids)))}
    comments: dict[int, str | None] = {}
    for action in session.exec(
        select(ApprovalAction)
        .where(col(ApprovalAction.request_id).in_([r.id for r in requests]))
        .order_by(col(ApprovalAction.id))
    ):
        comments[action.request_id] = action.comment or comments.get(action.request_id)
    return [
        RequestView(
            id=pk(r),
            flow=flows.get(r.flow_id, ""),
            requester=people.get(r.requester_id, ""),
            reason=r.reason,
            status=r.status,
            step=r.current_step,
            steps=step_counts.get(r.flow_id, 1),
            item=items.get(r.item_id) if r.item_id else None,
            quantity=r.quantity,
            created_at=r.created_at,
            comment=comments.get(pk(r)),
        )
        for r in requests
    ]


def mine(*, session: Session, person: User, limit: int = 20) -> list[RequestView]:
    """This person's requests, newest first."""
    statement = (
        scoped_select(ApprovalRequest, TenantScope.single(person.tenant_id))
        .where(ApprovalRequest.requester_id == person.id)
        .order_by(col(ApprovalRequest.id).desc())
        .limit(limit)
    )
    return views(session, list(session.exec(statement)))


def awaiting(*, session: Session, approver: User, limit: int = 50) -> list[RequestView]:
    """Pending requests of the approver's tenant whose current step is theirs to decide, oldest
    first (the one waiting longest on top)."""
    pending = session.exec(
        scoped_select(ApprovalRequest, TenantScope.single(approver.tenant_id))
        .where(ApprovalRequest.status == RequestStatus.pending.value)
        .order_by(col(ApprovalRequest.id))
        .limit(AWAITING_SCAN)
    ).all()
    steps = {
        (s.flow_id, s.step_no): s
        for s in session.exec(
            select(ApprovalStep).where(col(ApprovalStep.flow_id).in_({r.flow_id for r in pending}))
        )
    }
    requesters = {
        u.id: u
        for u in session.exec(
            select(User).where(col(User.id).in_({r.requester_id for r in pending}))
        )
    }
    theirs = [
        r
        for r in pending
        if (step := steps.get((r.flow_id, r.current_step))) is not None
        and may_decide(session, step, requesters[r.requester_id], approver)
    ]
    return views(session, theirs[:limit])
