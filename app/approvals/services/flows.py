"""Approval flows as a tenant admin edits them: a name, what triggers the flow, its minimum
amount, whether it is on, and its steps in order (the requester's nearest department manager, a
role, or a named person who may decide approvals). Audited; steps do not change under requests
still waiting on the flow, which would otherwise jump to a step nobody expected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from sqlmodel import Session, col, delete, select

from app.approvals.models import (
    ApprovalFlow,
    ApprovalRequest,
    ApprovalStep,
    ApproverKind,
    FlowTrigger,
    RequestStatus,
)
from app.audit.services import audit
from app.audit.services.records import Actor, choice, owned_id, record_created, update_scoped
from app.auth.models import Permission, Role, RoleGrant, RolePermission
from app.auth.services.catalogue import role_label
from app.core.errors import ValidationError
from app.core.i18n import DEFAULT_LOCALE
from app.core.model_base import keyed, pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.core.text import refuse_unsafe
from app.org.models import User

MAX_STEPS = 5
MAX_AMOUNT_CENTS = 100_000_000
DECIDE = "approval:decide"


@dataclass(frozen=True)
class StepSpec:
    kind: str
    role_id: int | None = None
    user_id: int | None = None

    def key(self) -> tuple[str, int | None, int | None]:
        return (self.kind, self.role_id, self.user_id)


class _FlowFields(TypedDict):
    name: str
    trigger: str
    min_amount_cents: int
    is_active: bool


@dataclass(frozen=True)
class FlowSpec:
    name: str
    trigger: str
    min_amount_cents: int = 0
    is_active: bool = True
    steps: tuple[StepSpec, ...] = ()


def _checked_steps(
    session: Session, tenant_id: int, steps: tuple[StepSpec, ...]
) -> tuple[StepSpec, ...]:
    if not 1 <= len(steps) <= MAX_STEPS:
        raise ValidationError(field="steps")
    checked = []
    for number, step in enumerate(steps, start=1):
        field = f"step{number}"
        kind = choice(step.kind, ApproverKind, field)
        role_id = user_id = None
        if kind == ApproverKind.role.value:
            role_id = owned_id(session, Role, step.role_id, tenant_id, field)
            if role_id not in decider_roles(session=session, tenant_id=tenant_id):
                raise ValidationError("approval.step_not_decider", field=field)
        elif kind == ApproverKind.user.value:
            user_id = owned_id(session, User, step.user_id, tenant_id, field)
            if user_id not in deciders(session=session, tenant_id=tenant_id):
                raise ValidationError("approval.step_not_decider", field=field)
        checked.append(StepSpec(kind, role_id, user_id))
    return tuple(checked)


def _checked(session: Session, tenant_id: int, spec: FlowSpec, flow_id: int | None) -> FlowSpec:
    name = (spec.name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(field="name")
    refuse_unsafe(name, "flow")
    taken = session.exec(
        select(ApprovalFlow.id).where(
            ApprovalFlow.tenant_id == tenant_id, ApprovalFlow.name == name
        )
    ).first()
    if taken is not None and taken != flow_id:
        raise ValidationError("approval.flow_name_taken", field="name", name=name)
    amount = spec.min_amount_cents
    if not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT_CENTS:
        raise ValidationError(field="min_amount")
    return FlowSpec(
        name,
        choice(spec.trigger, FlowTrigger, "trigger"),
        amount,
        bool(spec.is_active),
        _checked_steps(session, tenant_id, spec.steps),
    )


def steps_of(session: Session, flow_id: int) -> list[ApprovalStep]:
    statement = select(ApprovalStep).where(ApprovalStep.flow_id == flow_id)
    return list(session.exec(statement.order_by(col(ApprovalStep.step_no))))


def _write_steps(
    session: Session, flow: ApprovalFlow, steps: tuple[StepSpec, ...], actor: Actor
) -> None:
    before = [
        StepSpec(s.approver_kind, s.approver_role_id, s.approver_user_id)
        for s in steps_of(session, pk(flow))
    ]
    if tuple(before) == steps:
        return
    waiting = session.exec(
        select(ApprovalRequest.id).where(
            ApprovalRequest.flow_id == flow.id,
            ApprovalRequest.status == RequestStatus.pending.value,
        )
    ).first()
    if before and waiting is not None:
        raise ValidationError("approval.flow_in_use", field="steps")
    session.exec(delete(ApprovalStep).where(col(ApprovalStep.flow_id) == flow.id))
    for number, step in enumerate(steps, start=1):
        session.add(
            ApprovalStep(
                tenant_id=flow.tenant_id,
                flow_id=pk(flow),
                step_no=number,
                approver_kind=step.kind,
                approver_role_id=step.role_id,
                approver_user_id=step.user_id,
            )
        )
    session.flush()
    audit.record(
        session=session,
        action="approval_flow.steps",
        entity="approval_flow",
        entity_id=flow.id,
        tenant_id=flow.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={"steps": [list(s.key()) for s in before]},
        after={"steps": [list(s.key()) for s in steps]},
        ip=actor.ip,
    )


def save_flow(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    spec: FlowSpec,
    actor: Actor,
    flow_id: int | None = None,
) -> ApprovalFlow:
    """Create a flow (no `flow_id`) or change one of the scope; the first wrong field is named."""
    if flow_id is not None:
        tenant_id = get_scoped_or_raise(session, ApprovalFlow, flow_id, scope).tenant_id
    elif not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    spec = _checked(session, tenant_id, spec, flow_id)
    fields: _FlowFields = {
        "name": spec.name,
        "trigger": spec.trigger,
        "min_amount_cents": spec.min_amount_cents,
        "is_active": spec.is_active,
    }
    if flow_id is None:
        flow = ApprovalFlow(tenant_id=tenant_id, **fields)
        session.add(flow)
        session.flush()
        record_created(session, flow, actor=actor)
    else:
        flow = update_scoped(session, ApprovalFlow, flow_id, scope, fields, actor=actor)
    _write_steps(session, flow, spec.steps, actor)
    return flow


def deciders(*, session: Session, tenant_id: int) -> dict[int, str]:
    """The tenant's active people whose account may decide approvals: the ones a step may name."""
    rows = session.exec(
        select(User.id, User.name)
        .join(RoleGrant, (col(RoleGrant.account_id) == User.account_id))
        .join(RolePermission, col(RolePermission.role_id) == RoleGrant.role_id)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(
            User.tenant_id == tenant_id,
            User.is_active,
            RoleGrant.tenant_id == tenant_id,
            Permission.code == DECIDE,
        )
        .distinct()
        .order_by(User.name)
    ).all()
    return dict(keyed(rows))


def decider_roles(
    *, session: Session, tenant_id: int, locale: str = DEFAULT_LOCALE
) -> dict[int, str]:
    """Built-in roles and the tenant's own that carry `approval:decide`, with their names."""
    rows = session.exec(
        select(Role)
        .join(RolePermission, col(RolePermission.role_id) == Role.id)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(
            col(Role.tenant_id).is_(None) | (Role.tenant_id == tenant_id),
            Permission.code == DECIDE,
        )
        .order_by(Role.name)
    ).all()
    return {pk(role): role_label(role, locale) for role in rows}


def step_choices(
    *, session: Session, scope: TenantScope, tenant_id: int, locale: str = DEFAULT_LOCALE
) -> list[tuple[str, str]]:
    """What a step may be, as (value, label) for a form: the manager, each role and each person
    who may decide. The manager's label is "" (the page translates it)."""
    if not scope.allows(tenant_id):
        return []
    roles = decider_roles(session=session, tenant_id=tenant_id, locale=locale)
    people = deciders(session=session, tenant_id=tenant_id)
    return [
        (ApproverKind.department_manager.value, ""),
        *((f"role:{i}", n) for i, n in roles.items()),
        *((f"user:{i}", n) for i, n in people.items()),
    ]


def parse_step(value: str) -> StepSpec | None:
    """A form's step value ("department_manager", "role:<id>", "user:<id>"; "" is no step)."""
    value = (value or "").strip()
    if not value:
        return None
    kind, _, ref = value.partition(":")
    if kind == ApproverKind.department_manager.value and not ref:
        return StepSpec(kind)
    if kind in (ApproverKind.role.value, ApproverKind.user.value) and ref.isdigit():
        number = int(ref)
        return StepSpec(
            kind, number if kind == "role" else None, number if kind == "user" else None
        )
    raise ValidationError(field="steps")


def flows_listed(session: Session, scope: TenantScope) -> list[ApprovalFlow]:
    statement = select(ApprovalFlow).where(scope_filter(ApprovalFlow, scope))
    return list(session.exec(statement.order_by(col(ApprovalFlow.id))))
