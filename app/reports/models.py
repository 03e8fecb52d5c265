"""Report subscriptions, the runs they produce and each delivery attempt."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    timestamp,
)


class ReportPeriod(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    custom = "custom"


class Channel(StrEnum):
    email = "email"
    wecom = "wecom"
    dingtalk = "dingtalk"
    feishu = "feishu"


class RunStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    failed = "failed"


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class ReportSubscription(TenantOwned, table=True):
    __tablename__ = "report_subscription"
    __table_args__ = (
        enum_check("period", ReportPeriod),
        enum_check("channel", Channel),
        Index("ix_report_subscription_is_active_next_run_at", "is_active", "next_run_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    report_type: str = Field(max_length=40)
    period: str = enum_field(ReportPeriod, ReportPeriod.week)
    filters: dict | None = json_field()
    channel: str = enum_field(Channel, Channel.email)
    target: str = Field(max_length=500)  # e-mail address or robot webhook URL
    secret_ciphertext: str | None = Field(default=None, max_length=512)
    is_active: bool = True
    next_run_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()


class ReportRun(TenantOwned, table=True):
    __tablename__ = "report_run"
    __table_args__ = (
        # A subscription's period is generated once, even with several workers.
        UniqueConstraint("subscription_id", "period_start"),
        enum_check("status", RunStatus),
        CheckConstraint("period_end > period_start", name="period_ordered"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int | None = Field(
        default=None, foreign_key="report_subscription.id", ondelete="SET NULL"
    )
    report_type: str = Field(max_length=40)
    period_start: datetime = timestamp(default_now=False)
    period_end: datetime = timestamp(default_now=False)
    filters: dict | None = json_field()
    status: str = enum_field(RunStatus, RunStatus.pending)
    progress: int = 0
    file_path: str | None = Field(default=None, max_length=255)
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp()
    finished_at: datetime | None = timestamp(nullable=True)


class ReportDelivery(TenantOwned, table=True):
    __tablename__ = "report_delivery"
    __table_args__ = (
        enum_check("channel", Channel),
        enum_check("status", DeliveryStatus),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="report_run.id", index=True, ondelete="CASCADE")
    channel: str = enum_field(Channel)
    status: str = enum_field(DeliveryStatus, DeliveryStatus.pending)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    next_attempt_at: datetime | None = timestamp(nullable=True)
    delivered_at: datetime | None = timestamp(nullable=True)
