"""Alert routing: which alerts go to which channel and target (a tenant's rules, made by its admin
or by the provider serving it), and each message sent for an alert (the delivery log)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.alerts.models import Severity
from app.core.model_base import TenantOwned, enum_check, enum_field, json_field, timestamp


class RouteChannel(StrEnum):
    wecom = "wecom"
    dingtalk = "dingtalk"
    feishu = "feishu"
    email = "email"
    sms = "sms"


class DeliveryKind(StrEnum):
    raised = "raised"
    escalated = "escalated"
    resolved = "resolved"


class RoutedStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"  # resolved before its held message could go out: nothing to say


class AlertRoute(TenantOwned, table=True):
    __tablename__ = "alert_route"
    __table_args__ = (
        enum_check("min_severity", Severity),
        enum_check("channel", RouteChannel),
        CheckConstraint(
            "escalate_channel IS NULL OR escalate_channel IN "
            "('wecom', 'dingtalk', 'feishu', 'email', 'sms')",
            name="escalate_channel_valid",
        ),
        CheckConstraint(
            "escalate_after_min IS NULL OR escalate_after_min > 0", name="escalate_after_positive"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    provider_id: int | None = Field(
        default=None, foreign_key="service_provider.id", ondelete="SET NULL"
    )  # set when a provider's people made the rule for a tenant of their fleet
    kinds: list | None = json_field()  # alert kinds; empty: every kind
    min_severity: str = enum_field(Severity, Severity.warning)
    channel: str = enum_field(RouteChannel)
    target: str = Field(max_length=500)  # webhook URL, e-mail address(es) or phone number(s)
    secret_ciphertext: str | None = Field(default=None, max_length=512)
    quiet_start: str | None = Field(default=None, max_length=5)  # "22:00", tenant's local time
    quiet_end: str | None = Field(default=None, max_length=5)  # "07:00"
    critical_in_quiet: bool = True  # critical alerts are sent during quiet hours all the same
    escalate_after_min: int | None = None  # not acknowledged this long after raised: level 2
    escalate_channel: str | None = Field(default=None, max_length=8)
    escalate_target: str | None = Field(default=None, max_length=500)
    escalate_secret_ciphertext: str | None = Field(default=None, max_length=512)
    is_active: bool = True
    created_at: datetime = timestamp()


class AlertDelivery(TenantOwned, table=True):
    __tablename__ = "alert_delivery"
    __table_args__ = (
        # One message per alert (one root cause), route, kind and level, however many workers.
        UniqueConstraint("route_id", "alert_id", "kind", "level"),
        enum_check("kind", DeliveryKind),
        enum_check("status", RoutedStatus),
        enum_check("channel", RouteChannel),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        CheckConstraint("level IN (1, 2)", name="level_valid"),
        Index("ix_alert_delivery_status_next_retry_at", "status", "next_retry_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    route_id: int = Field(foreign_key="alert_route.id", index=True, ondelete="CASCADE")
    alert_id: int = Field(foreign_key="alert.id", index=True, ondelete="CASCADE")
    kind: str = enum_field(DeliveryKind)
    level: int = 1  # 1: the route's target; 2: its escalation target
    channel: str = enum_field(RouteChannel)
    status: str = enum_field(RoutedStatus, RoutedStatus.pending)
    attempts: int = 0
    next_retry_at: datetime | None = timestamp(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp()
    sent_at: datetime | None = timestamp(nullable=True)
