"""Quota rules (who × what × period → limit) and the usage counted against them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, timestamp
from app.core.text import line_field


class QuotaSubject(StrEnum):
    tenant = "tenant"
    department = "department"
    role = "role"
    user = "user"


class QuotaTarget(StrEnum):
    all = "all"
    item = "item"
    item_type = "item_type"
    tag = "tag"


class QuotaPeriod(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class QuotaLimitKind(StrEnum):
    count = "count"  # type: ignore[assignment]  # a member named like str.count
    cost = "cost"


class OverQuotaPolicy(StrEnum):
    flag = "flag"
    notify_manager = "notify_manager"
    block_next = "block_next"
    require_approval = "require_approval"


class QuotaRule(TenantOwned, table=True):
    __tablename__ = "quota_rule"
    __table_args__ = (
        enum_check("subject_kind", QuotaSubject),
        enum_check("target_kind", QuotaTarget),
        enum_check("period", QuotaPeriod),
        enum_check("limit_kind", QuotaLimitKind),
        enum_check("over_policy", OverQuotaPolicy),
        CheckConstraint("limit_value > 0", name="limit_positive"),
        CheckConstraint("subject_kind = 'tenant' OR subject_id IS NOT NULL", name="subject_given"),
        CheckConstraint("target_kind = 'all' OR target_id IS NOT NULL", name="target_given"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(max_length=80)
    subject_kind: str = enum_field(QuotaSubject)
    subject_id: int | None = None
    target_kind: str = enum_field(QuotaTarget, QuotaTarget.all)
    target_id: int | None = None
    period: str = enum_field(QuotaPeriod, QuotaPeriod.month)
    limit_kind: str = enum_field(QuotaLimitKind, QuotaLimitKind.count)
    limit_value: int
    over_policy: str = enum_field(OverQuotaPolicy, OverQuotaPolicy.require_approval)
    is_active: bool = True
    created_at: datetime = timestamp()


class QuotaUsage(TenantOwned, table=True):
    """Usage of one rule by one holder (the user, or the department for department rules)."""

    __tablename__ = "quota_usage"
    __table_args__ = (
        UniqueConstraint("rule_id", "holder_id", "period_start"),
        CheckConstraint("used_count >= 0", name="count_non_negative"),
        CheckConstraint("used_cost_cents >= 0", name="cost_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="quota_rule.id", index=True, ondelete="CASCADE")
    holder_id: int
    period_start: date
    used_count: int = 0
    used_cost_cents: int = 0
    updated_at: datetime = timestamp()
