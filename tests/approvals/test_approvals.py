"""Approvals: a two-step flow (department manager, then a named person), only the approver of
the current step decides and only once, a rejection ends it, and an approval lets the employee
past a used-up quota once — opening the cabinet at once when they asked from it just now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.approvals.models import ApprovalFlow, ApprovalStep, Decision
from app.approvals.services.approvals import ask, decide, may_decide, usable
from app.cabinets.models import DeviceCommand
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.org.models import Department, DepartmentManager, User
from app.quotas.services.quotas import Taken, record_usage
from app.withdrawals.models import DoorSession
from app.withdrawals.services import sessions
from tests.factories import make_cabinet, make_department, make_item, make_quota_rule, make_tenant


def _world(session: Session):
    tenant = make_tenant(session)
    dept = make_department(session, tenant, "市场部")
    dept.path = f"/{dept.id}/"
    employee = User(
        tenant_id=tenant.id, name="小李", department_id=dept.id, badge_card_no="E0000001"
    )
    manager = User(tenant_id=tenant.id, name="王经理", department_id=dept.id)
    finance = User(tenant_id=tenant.id, name="财务张")
    session.add_all([employee, manager, finance])
    session.flush()
    session.add(DepartmentManager(tenant_id=tenant.id, department_id=dept.id, user_id=manager.id))
    flow = ApprovalFlow(tenant_id=tenant.id, name="超额领用", trigger="over_quota")
    session.add(flow)
    session.flush()
    session.add_all(
        [
            ApprovalStep(
                tenant_id=tenant.id, flow_id=flow.id, step_no=1, approver_kind="department_manager"
            ),
            ApprovalStep(
                tenant_id=tenant.id,
                flow_id=flow.id,
                step_no=2,
                approver_kind="user",
                approver_user_id=finance.id,
            ),
        ]
    )
    session.flush()
    return tenant, employee, manager, finance


def test_two_steps_in_order_by_the_right_people(session: Session) -> None:
    tenant, employee, manager, finance = _world(session)
    scope = TenantScope.single(tenant.id)
    with pytest.raises(ValidationError):
        ask(session=session, requester=employee, reason=" ")
    request = ask(session=session, requester=employee, reason="项目投标需要多领 10 本")
    for not_yet in (finance, employee):  # finance decides step 2; nobody approves themselves
        with pytest.raises(PermissionDeniedError):
            decide(
                session=session,
                scope=scope,
                request_id=request.id,
                approver=not_yet,
                decision=Decision.approve,
            )
    decide(
        session=session,
        scope=scope,
        request_id=request.id,
        approver=manager,
        decision=Decision.approve,
    )
    assert (request.status, request.current_step) == ("pending", 2)
    with pytest.raises(PermissionDeniedError):  # the manager's step is done
        decide(
            session=session,
            scope=scope,
            request_id=request.id,
            approver=manager,
            decision=Decision.approve,
        )
    decide(
        session=session,
        scope=scope,
        request_id=request.id,
        approver=finance,
        decision=Decision.approve,
        comment="同意",
    )
    assert request.status == "approved" and request.valid_until is not None
    assert usable(session=session, person=employee, now=datetime.now(UTC)) == request
    with pytest.raises(ValidationError):
        decide(
            session=session,
            scope=scope,
            request_id=request.id,
            approver=finance,
            decision=Decision.reject,
        )


def test_a_rejection_ends_the_request(session: Session) -> None:
    tenant, employee, manager, _finance = _world(session)
    request = ask(session=session, requester=employee, reason="想多拿点")
    decide(
        session=session,
        scope=TenantScope.single(tenant.id),
        request_id=request.id,
        approver=manager,
        decision=Decision.reject,
        comment="本月已超",
    )
    assert request.status == "rejected"
    assert usable(session=session, person=employee, now=datetime.now(UTC)) is None


def test_an_approval_opens_the_cabinet_for_someone_waiting_at_it_once(session: Session) -> None:
    tenant, employee, manager, finance = _world(session)
    cabinet = make_cabinet(session, tenant)
    cabinet.is_online = True
    pen = make_item(session, tenant)
    make_quota_rule(
        session,
        tenant,
        name="每日 1 件",
        subject_kind="user",
        subject_id=employee.id,
        period="day",
        limit_value=1,
        over_policy="require_approval",
    )
    record_usage(session, employee, [Taken(pen, 1)], datetime.now(UTC))
    badge = {"card": "E0000001"}
    assert sessions.on_card(session=session, cabinet=cabinet, body=badge).reason == (
        "approval_required"
    )
    request = ask(session=session, requester=employee, reason="开会急用", cabinet_id=cabinet.id)
    scope = TenantScope.single(tenant.id)
    sessions.decide_and_open(
        session=session,
        scope=scope,
        request_id=request.id,
        approver=manager,
        decision=Decision.approve,
    )
    _, door = sessions.decide_and_open(
        session=session,
        scope=scope,
        request_id=request.id,
        approver=finance,
        decision=Decision.approve,
    )
    assert door is not None and door.user_id == employee.id and request.status == "used"
    unlocks = session.exec(select(DeviceCommand).where(DeviceCommand.cabinet_id == cabinet.id))
    assert [c.kind for c in unlocks] == ["unlock"]
    door.status = "committed"  # they took their item and closed the door
    session.flush()
    assert sessions.on_card(session=session, cabinet=cabinet, body=badge).reason == (
        "approval_required"  # the approval was for one opening
    )
    assert (
        len(session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet.id)).all())
        == 1
    )


def test_the_nearest_manager_up_the_tree_decides(session: Session) -> None:
    """A team without a manager of its own answers to the department above it; a manager's own
    request goes one level further up."""
    tenant, employee, manager, _finance = _world(session)
    (dept,) = session.exec(select(Department).where(Department.tenant_id == tenant.id)).all()
    team = make_department(session, tenant, "品牌组", parent_id=dept.id)
    company = make_department(session, tenant, "总部")
    team.path, company.path = f"{dept.path}{team.id}/", f"/{company.id}/"
    dept.parent_id, dept.path = company.id, f"/{company.id}/{dept.id}/"
    team.path = f"{dept.path}{team.id}/"
    ceo = User(tenant_id=tenant.id, name="总经理", department_id=company.id)
    session.add(ceo)
    session.flush()
    session.add(DepartmentManager(tenant_id=tenant.id, department_id=company.id, user_id=ceo.id))
    employee.department_id = team.id
    session.flush()
    (first, _second) = session.exec(select(ApprovalStep).order_by(ApprovalStep.step_no)).all()
    assert may_decide(session, first, employee, manager)
    assert not may_decide(session, first, employee, ceo)  # the nearer manager decides
    assert may_decide(session, first, manager, ceo)  # the manager's own request: one level up
    assert not may_decide(session, first, manager, manager)
