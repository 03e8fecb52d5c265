"""Approvals in the console: requests by status with keyset pages, marked decidable only for the
person whose step it is, and the flows with their steps in order."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.approvals.models import Decision
from app.approvals.queries import console
from app.approvals.services.approvals import ask, decide
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from tests.approvals.test_approvals import _world


def test_requests_by_status_decidable_by_the_steps_approver(session: Session) -> None:
    tenant, employee, manager, finance = _world(session)
    scope = TenantScope.single(tenant.id)
    asked = [ask(session=session, requester=employee, reason=f"第{n}次") for n in range(3)]
    decide(
        session=session,
        scope=scope,
        request_id=asked[0].id,
        approver=manager,
        decision=Decision.reject,
    )
    waiting = console.list_requests(session=session, scope=scope, approver_id=manager.id)
    assert [r.id for r in waiting.rows] == [asked[2].id, asked[1].id]
    assert waiting.mine_to_decide == {asked[1].id, asked[2].id}
    assert (
        console.list_requests(session=session, scope=scope, approver_id=finance.id).mine_to_decide
        == frozenset()
    )  # step 2 is theirs, not step 1
    decided = console.list_requests(session=session, scope=scope, status="decided")
    assert [(r.id, r.status) for r in decided.rows] == [(asked[0].id, "rejected")]
    first = console.list_requests(session=session, scope=scope, status="all", limit=2)
    rest = console.list_requests(
        session=session, scope=scope, status="all", after_id=first.next_after_id, limit=2
    )
    assert [r.id for r in first.rows + rest.rows] == [a.id for a in reversed(asked)]
    with pytest.raises(ValidationError):
        console.list_requests(session=session, scope=scope, status="mine")
    other = console.list_requests(session=session, scope=TenantScope.single(tenant.id + 99))
    assert other.rows == []
    (flow,) = console.list_flows(session=session, scope=scope)
    assert flow.trigger == "over_quota"
    assert [(s.kind, s.name, s.value) for s in flow.steps] == [
        ("department_manager", "", "department_manager"),
        ("user", finance.name, f"user:{finance.id}"),
    ]
