"""Quota usage over a period, per rule, summed in SQL over the usage rows of the quota periods
that began in it: how many holders (people, departments, roles, the tenant) used the rule, how
many reached its limit, the total used (units, or fen for a cost limit) and the mean share of the
limit used; and the approvals asked for because a quota was used up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, or_
from sqlmodel import Session, col, select

from app.approvals.models import ApprovalFlow, ApprovalRequest, FlowTrigger, RequestStatus
from app.quotas.models import QuotaLimitKind, QuotaRule, QuotaUsage
from app.reports.queries.consumption import Window


@dataclass(frozen=True)
class QuotaRow:
    rule_id: int
    name: str
    period: str
    limit_kind: str
    limit_value: int
    holders: int
    at_limit: int
    used: int  # units, or fen for a cost limit
    mean_share: float  # of the limit, 0–1 (can pass 1 where the policy lets people go over)


@dataclass(frozen=True)
class QuotaReport:
    rules: list[QuotaRow]
    approvals_asked: int  # over-quota requests raised in the period
    approvals_granted: int  # of those, approved (and perhaps used since)


def quota_report(*, session: Session, win: Window) -> QuotaReport:
    used = case(
        (col(QuotaRule.limit_kind) == QuotaLimitKind.cost.value, QuotaUsage.used_cost_cents),
        else_=QuotaUsage.used_count,
    )
    began_in = or_(
        *(
            and_(
                col(QuotaUsage.tenant_id) == tenant,
                col(QuotaUsage.period_start) >= win.period.first,
                col(QuotaUsage.period_start) <= win.period.last,
            )
            for tenant in win.tenants
        ),
        false(),
    )
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            QuotaRule.id, QuotaRule.name, QuotaRule.period, QuotaRule.limit_kind,
            QuotaRule.limit_value, func.count(), func.sum(case((used >= QuotaRule.limit_value, 1),
            else_=0)), func.sum(used), func.avg(used * 1.0 / QuotaRule.limit_value),
        )
        .join(QuotaRule, QuotaRule.id == QuotaUsage.rule_id)
        .where(began_in)
        .group_by(QuotaRule.id, QuotaRule.name, QuotaRule.period, QuotaRule.limit_kind,
                  QuotaRule.limit_value)
        .order_by(func.sum(case((used >= QuotaRule.limit_value, 1), else_=0)).desc(),
                  QuotaRule.name)
    ).all()  # fmt: skip
    asked = or_(
        *(
            and_(col(ApprovalRequest.tenant_id) == t, col(ApprovalRequest.created_at) >= s,
                 col(ApprovalRequest.created_at) < e)
            for t, (s, e, _) in win.tenants.items()
        ),
        false(),
    )  # fmt: skip
    granted = col(ApprovalRequest.status).in_(
        [RequestStatus.approved.value, RequestStatus.used.value]
    )
    requested, approved = session.exec(
        select(func.count(), func.sum(case((granted, 1), else_=0)))
        .join(ApprovalFlow, col(ApprovalFlow.id) == ApprovalRequest.flow_id)
        .where(asked, ApprovalFlow.trigger == FlowTrigger.over_quota.value)
    ).one()
    return QuotaReport(
        [
            QuotaRow(r[0], r[1], r[2], r[3], r[4], int(r[5]), int(r[6] or 0), int(r[7] or 0),
                     round(float(r[8] or 0), 3))
            for r in rows
        ],
        int(requested or 0),
        int(approved or 0),
    )  # fmt: skip
