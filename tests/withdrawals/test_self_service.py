"""The employee's own page on the phone: quotas left this period, asking for more and following
the request through a two-step approval (approvers see it only when their step is current),
and disputing what a visit recorded — one open dispute per visit, only about one's own visits,
answered once from the console, all audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.approvals.models import Decision
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.org.models import User
from app.quotas.services.quotas import Taken, record_usage
from app.withdrawals.services import complaints
from app.withdrawals.services.commit import commit
from app.withdrawals.services.phone import ask_for_more, decide_by_phone, dispute, my_page
from tests.approvals.test_approvals import _world as _approval_world
from tests.factories import make_door_session
from tests.withdrawals.test_corrections import CLOSED
from tests.withdrawals.test_corrections import _world as _cabinet_world
from tests.withdrawals.test_phone import _account

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_quotas_left_this_period(session: Session) -> None:
    tenant, _cabinet, person, things, rule = _cabinet_world(session)
    account = _account(session, person)
    _slot, pen = things["A1"]
    record_usage(session, person, [Taken(pen, 30)], NOW)
    page = my_page(
        session=session, scope=TenantScope.single(tenant.id), account_id=account, now=NOW
    )
    (standing,) = page.quotas
    assert (standing.rule.id, standing.used, standing.left) == (rule.id, 30, rule.limit_value - 30)
    next_month = my_page(
        session=session,
        scope=TenantScope.single(tenant.id),
        account_id=account,
        now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),  # 09:00 on 1 December in Shanghai
    )
    assert next_month.quotas[0].used == 0


def test_a_request_goes_step_by_step_and_the_asker_sees_where_it_is(session: Session) -> None:
    tenant, employee, manager, finance = _approval_world(session)
    scope = TenantScope.single(tenant.id)
    asker, boss, money = (_account(session, p) for p in (employee, manager, finance))
    with pytest.raises(ValidationError):
        ask_for_more(session=session, scope=scope, account_id=asker, reason="  ")
    request = ask_for_more(session=session, scope=scope, account_id=asker, reason="部门培训")

    def awaiting(account: int) -> list[int]:
        page = my_page(session=session, scope=scope, account_id=account, now=NOW)
        return [r.id for r in page.awaiting]

    assert (awaiting(boss), awaiting(money), awaiting(asker)) == ([request.id], [], [])
    with pytest.raises(PermissionDeniedError):  # not finance's step yet
        decide_by_phone(
            session=session,
            scope=scope,
            account_id=money,
            request_id=request.id,
            decision=Decision.approve,
        )
    decide_by_phone(
        session=session,
        scope=scope,
        account_id=boss,
        request_id=request.id,
        decision=Decision.approve,
        comment="同意",
    )
    assert (awaiting(boss), awaiting(money)) == ([], [request.id])
    (mine,) = my_page(session=session, scope=scope, account_id=asker, now=NOW).requests
    assert (mine.status, mine.step, mine.steps, mine.comment) == ("pending", 2, 2, "同意")
    decide_by_phone(
        session=session,
        scope=scope,
        account_id=money,
        request_id=request.id,
        decision=Decision.reject,
        comment="预算不足",
    )
    (mine,) = my_page(session=session, scope=scope, account_id=asker, now=NOW).requests
    assert (mine.status, mine.comment) == ("rejected", "预算不足")


def _a_visit(session: Session):
    tenant, cabinet, person, things, _rule = _cabinet_world(session)
    account = _account(session, person)
    slot, pen = things["A1"]
    door = make_door_session(
        session, cabinet, person, auth_method="qr", status="committed", closed_at=CLOSED
    )
    commit(session, cabinet, door, [(slot, pen, 2)])
    return tenant, person, account, door


def test_a_dispute_about_ones_own_visit_answered_once(session: Session) -> None:
    tenant, person, account, door = _a_visit(session)
    scope = TenantScope.single(tenant.id)
    filed = dispute(
        session=session, scope=scope, account_id=account, door_session_id=door.id, text="只拿了1支"
    )
    with pytest.raises(ValidationError) as twice:
        dispute(session=session, scope=scope, account_id=account, door_session_id=door.id, text="x")
    assert twice.value.key == "complaint.already_open"
    colleague = User(tenant_id=tenant.id, name="同事")
    session.add(colleague)
    session.flush()
    with pytest.raises(NotFoundError):  # not their visit
        dispute(
            session=session,
            scope=scope,
            account_id=_account(session, colleague),
            door_session_id=door.id,
            text="?",
        )
    (queued,) = complaints.waiting(session=session, scope=scope)
    assert (queued.id, queued.person, queued.text) == (filed.id, person.name, "只拿了1支")
    assert complaints.waiting(session=session, scope=TenantScope.single(tenant.id + 999)) == []
    admin = Actor(account_id=None, name="管理员")
    with pytest.raises(ValidationError):
        complaints.answer(session=session, scope=scope, complaint_id=filed.id, text="", actor=admin)
    complaints.answer(
        session=session, scope=scope, complaint_id=filed.id, text="已更正为 1 支", actor=admin
    )
    with pytest.raises(ValidationError) as again:
        complaints.answer(
            session=session, scope=scope, complaint_id=filed.id, text="再答", actor=admin
        )
    assert again.value.key == "complaint.already_answered"
    (visit,) = my_page(session=session, scope=scope, account_id=account, now=NOW).visits
    assert (visit.complaint.status, visit.complaint.answer) == ("answered", "已更正为 1 支")
    assert complaints.waiting(session=session, scope=scope) == []
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "complaint")).all()
    assert sorted(actions) == ["complaint.answer", "complaint.file"]
    # answered: a new dispute about the same visit may be opened
    dispute(
        session=session, scope=scope, account_id=account, door_session_id=door.id, text="还是不对"
    )


def test_another_tenants_complaint_cannot_be_answered(session: Session) -> None:
    tenant, _person, account, door = _a_visit(session)
    filed = dispute(
        session=session,
        scope=TenantScope.single(tenant.id),
        account_id=account,
        door_session_id=door.id,
        text="不对",
    )
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        complaints.answer(
            session=session,
            scope=TenantScope.single(tenant.id + 999),
            complaint_id=filed.id,
            text="x",
            actor=Actor(account_id=None, name="外人"),
        )
