"""Quota usage as an integration reads it (API `/quota-usage`): each rule's use per holder and
period, by id."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from app.core.tenancy import TenantScope, scope_filter
from app.quotas.models import QuotaRule, QuotaUsage


def usage_page(
    *,
    session: Session,
    scope: TenantScope,
    period_start: date | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    statement = (
        select(QuotaUsage, QuotaRule)
        .join(QuotaRule, col(QuotaRule.id) == QuotaUsage.rule_id)
        .where(scope_filter(QuotaUsage, scope))
    )
    if period_start is not None:
        statement = statement.where(QuotaUsage.period_start == period_start)
    if after_id is not None:
        statement = statement.where(col(QuotaUsage.id) > after_id)
    found = list(session.exec(statement.order_by(col(QuotaUsage.id)).limit(limit + 1)))
    rows: list[dict[str, Any]] = [
        {
            "id": u.id,
            "rule_id": r.id,
            "rule": r.name,
            "subject_kind": r.subject_kind,
            "holder_id": u.holder_id,
            "period": r.period,
            "period_start": u.period_start,
            "limit_kind": r.limit_kind,
            "limit_value": r.limit_value,
            "used_count": u.used_count,
            "used_cost_cents": u.used_cost_cents,
        }
        for u, r in found[:limit]
    ]
    return rows, (rows[-1]["id"] if len(found) > limit else None)
