"""The quota report: per rule, the holders whose quota periods began in a November, how many
reached the limit, the total used and the mean share of the limit; over-quota approvals asked for
and granted in it — from rows placed by hand (October's stay out)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from app.approvals.models import ApprovalFlow, ApprovalRequest
from app.core.tenancy import TenantScope
from app.reports.queries.consumption import window
from app.reports.queries.quotas import quota_report
from app.reports.services.periods import period_of
from tests.factories import make_quota_rule, make_quota_usage, make_tenant, make_user

NOVEMBER = period_of("month", date(2026, 11, 1))


def test_usage_per_rule_and_approvals(session: Session) -> None:
    tenant = make_tenant(session)
    units = make_quota_rule(
        session, tenant, name="每月 10 件", subject_kind="tenant", limit_value=10
    )
    money = make_quota_rule(
        session,
        tenant,
        name="每月 50 元",
        subject_kind="tenant",
        limit_kind="cost",
        limit_value=5000,
    )
    for holder, count in ((1, 4), (2, 10), (3, 12)):
        make_quota_usage(session, units, holder, date(2026, 11, 1), used_count=count)
    make_quota_usage(session, units, 1, date(2026, 10, 1), used_count=10)
    make_quota_usage(session, money, 7, date(2026, 11, 1), used_count=3, used_cost_cents=2500)
    over = ApprovalFlow(tenant_id=tenant.id, name="超额", trigger="over_quota")
    restricted = ApprovalFlow(tenant_id=tenant.id, name="限领", trigger="restricted_item")
    session.add_all([over, restricted])
    session.flush()
    person = make_user(session, tenant)
    for flow, status, at in (
        (over, "approved", datetime(2026, 11, 3, tzinfo=UTC)),
        (over, "rejected", datetime(2026, 11, 4, tzinfo=UTC)),
        (over, "approved", datetime(2026, 10, 4, tzinfo=UTC)),  # October
        (restricted, "approved", datetime(2026, 11, 5, tzinfo=UTC)),  # not a quota's
    ):
        session.add(
            ApprovalRequest(
                tenant_id=tenant.id,
                flow_id=flow.id,
                requester_id=person.id,
                reason="需要",
                status=status,
                created_at=at,
            )
        )
    session.flush()
    win = window(session=session, scope=TenantScope.single(tenant.id), period=NOVEMBER)
    report = quota_report(session=session, win=win)
    first, second = report.rules
    assert (first.name, first.holders, first.at_limit, first.used) == ("每月 10 件", 3, 2, 26)
    assert first.mean_share == pytest.approx((0.4 + 1.0 + 1.2) / 3, abs=0.001)
    assert (second.name, second.limit_kind, second.used, second.mean_share) == (
        "每月 50 元",
        "cost",
        2500,
        0.5,
    )
    assert (report.approvals_asked, report.approvals_granted) == (2, 1)
