"""Approval flows edited in the console: every field checked and named, steps in order, only
people who may decide approvals named in a step, no step change under waiting requests, another
tenant's flow out of reach, and every change audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.approvals.models import ApprovalFlow, ApprovalStep
from app.approvals.services import flows
from app.approvals.services.approvals import ask
from app.approvals.services.flows import FlowSpec, StepSpec
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import RoleGrant
from app.auth.services.auth import ensure_builtin_roles
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from tests.approvals.test_approvals import _world
from tests.factories import make_account, make_tenant, make_user

ADMIN = Actor(account_id=None, name="管理员")


def _may_decide(session: Session, user, tenant_id: int) -> None:
    """Give `user` an account holding the built-in department-manager role (approval:decide)."""
    role = ensure_builtin_roles(session=session)["department_manager"]
    account = make_account(session, f"u{user.id}", display_name=user.name, kind="tenant")
    user.account_id = account.id
    session.add(
        RoleGrant(account_id=account.id, role_id=role.id, scope="tenant", tenant_id=tenant_id)
    )
    session.flush()


def _save(session: Session, tenant_id: int, spec: FlowSpec, flow_id: int | None = None):
    return flows.save_flow(
        session=session,
        scope=TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        spec=spec,
        actor=ADMIN,
        flow_id=flow_id,
    )


def _steps(session: Session, flow_id: int) -> list[tuple]:
    return [
        (s.step_no, s.approver_kind, s.approver_role_id, s.approver_user_id)
        for s in flows.steps_of(session, flow_id)
    ]


def test_a_new_flow_with_its_steps_in_order_is_audited(session: Session) -> None:
    tenant, _, _, finance = _world(session)
    _may_decide(session, finance, tenant.id)
    role = ensure_builtin_roles(session=session)["tenant_admin"]
    spec = FlowSpec(
        name=" 高值领用 ",
        trigger="amount",
        min_amount_cents=50_000,
        steps=(
            StepSpec("department_manager"),
            StepSpec("role", role_id=role.id),
            StepSpec("user", user_id=finance.id),
        ),
    )
    flow = _save(session, tenant.id, spec)
    assert (flow.name, flow.trigger, flow.min_amount_cents, flow.is_active) == (
        "高值领用", "amount", 50_000, True,
    )  # fmt: skip
    assert _steps(session, flow.id) == [
        (1, "department_manager", None, None),
        (2, "role", role.id, None),
        (3, "user", None, finance.id),
    ]
    actions = session.exec(
        select(AuditLog.action).where(AuditLog.entity_id == str(flow.id)).order_by(AuditLog.id)
    ).all()
    assert actions == ["approval_flow.create", "approval_flow.steps"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "超额领用"}, "name"),  # _world's flow already has it
        ({"trigger": "whenever"}, "trigger"),
        ({"min_amount_cents": -1}, "min_amount"),
        ({"steps": ()}, "steps"),
        ({"steps": (StepSpec("department_manager"),) * 6}, "steps"),
        ({"steps": (StepSpec("department_manager"), StepSpec("boss"))}, "step2"),
        ({"steps": (StepSpec("role", role_id=999_999),)}, "step1"),
        ({"steps": (StepSpec("user", user_id=None),)}, "step1"),
    ],
)
def test_each_wrong_field_is_named_and_nothing_is_written(session: Session, change, field) -> None:
    tenant, *_ = _world(session)
    before = session.exec(select(ApprovalFlow.id)).all()
    spec = FlowSpec(name="新流程", trigger="over_quota", steps=(StepSpec("department_manager"),))
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, FlowSpec(**(spec.__dict__ | change)))
    assert refused.value.params["field"] == field
    assert session.exec(select(ApprovalFlow.id)).all() == before


def test_a_step_names_only_someone_who_may_decide_in_the_same_tenant(session: Session) -> None:
    tenant, employee, _, finance = _world(session)
    other = make_tenant(session, "别的企业")
    stranger = make_user(session, other, "外人")
    _may_decide(session, stranger, other.id)
    spec = FlowSpec(name="新流程", trigger="over_quota")
    for person, reason in ((employee, "approval.step_not_decider"), (stranger, "error.validation")):
        with pytest.raises(ValidationError) as refused:
            _save(
                session,
                tenant.id,
                FlowSpec(**(spec.__dict__ | {"steps": (StepSpec("user", user_id=person.id),)})),
            )
        assert (refused.value.key, refused.value.params["field"]) == (reason, "step1")
    employees = ensure_builtin_roles(session=session)["employee"]  # may not decide
    with pytest.raises(ValidationError) as refused:
        _save(
            session,
            tenant.id,
            FlowSpec(**(spec.__dict__ | {"steps": (StepSpec("role", role_id=employees.id),)})),
        )
    assert (refused.value.key, refused.value.params["field"]) == (
        "approval.step_not_decider",
        "step1",
    )
    _may_decide(session, finance, tenant.id)
    assert flows.deciders(session=session, tenant_id=tenant.id) == {finance.id: finance.name}
    values = [
        v
        for v, _ in flows.step_choices(
            session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id
        )
    ]
    assert values[0] == "department_manager" and f"user:{finance.id}" in values
    assert f"user:{stranger.id}" not in values and f"role:{employees.id}" not in values


def test_steps_do_not_change_under_waiting_requests(session: Session) -> None:
    tenant, employee, _, finance = _world(session)
    flow = session.exec(select(ApprovalFlow)).one()
    before = _steps(session, flow.id)
    ask(session=session, requester=employee, reason="多领 5 本")
    only_manager = FlowSpec(
        name=flow.name, trigger=flow.trigger, steps=(StepSpec("department_manager"),)
    )
    with pytest.raises(ValidationError) as refused:
        _save(session, tenant.id, only_manager, flow.id)
    assert refused.value.key == "approval.flow_in_use"
    assert _steps(session, flow.id) == before
    # the same steps with a new name, or switched off, are fine while requests wait
    _may_decide(session, finance, tenant.id)
    kept = tuple(StepSpec(k, r, u) for _, k, r, u in before)
    renamed = _save(
        session, tenant.id, FlowSpec("超额领用（新）", "over_quota", 0, False, kept), flow.id
    )
    assert (renamed.name, renamed.is_active, _steps(session, flow.id)) == (
        "超额领用（新）",
        False,
        before,
    )


def test_another_tenants_flow_is_out_of_reach(session: Session) -> None:
    tenant, *_ = _world(session)
    other = make_tenant(session, "别的企业")
    flow = session.exec(select(ApprovalFlow)).one()
    spec = FlowSpec(name="改掉", trigger="over_quota", steps=(StepSpec("department_manager"),))
    with pytest.raises(NotFoundError):
        flows.save_flow(
            session=session, scope=TenantScope.single(other.id), tenant_id=other.id,
            spec=spec, actor=ADMIN, flow_id=flow.id,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        flows.save_flow(
            session=session, scope=TenantScope.single(other.id), tenant_id=tenant.id,
            spec=spec, actor=ADMIN,
        )  # fmt: skip
    assert session.exec(select(ApprovalStep.id).where(ApprovalStep.flow_id == flow.id)).all()


@pytest.mark.parametrize(
    ("typed", "step"),
    [
        ("", None),
        ("department_manager", StepSpec("department_manager")),
        ("role:7", StepSpec("role", role_id=7)),
        ("user:12", StepSpec("user", user_id=12)),
    ],
)
def test_form_step_values(typed: str, step) -> None:
    assert flows.parse_step(typed) == step


@pytest.mark.parametrize("typed", ["role:", "user:x", "department_manager:3", "boss"])
def test_form_step_values_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        flows.parse_step(typed)
