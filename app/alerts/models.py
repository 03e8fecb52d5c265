"""Alerts: one per root cause (a cabinet down is one alert), cleared on recovery."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    partial_unique_index,
    timestamp,
)


class Severity(StrEnum):
    info = "info"
    warning = "warning"
    critical = "critical"


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


_UNRESOLVED_SQL = "status <> 'resolved'"


class Alert(TenantOwned, table=True):
    __tablename__ = "alert"
    __table_args__ = (
        enum_check("severity", Severity),
        enum_check("status", AlertStatus),
        CheckConstraint("occurrences >= 1", name="occurrences_positive"),
        partial_unique_index(
            "uq_alert_unresolved_root_key", "tenant_id", "root_key", where=_UNRESOLVED_SQL
        ),
        Index("ix_alert_tenant_id_status_raised_at", "tenant_id", "status", "raised_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int | None = Field(default=None, foreign_key="cabinet.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    root_key: str = Field(max_length=120)
    severity: str = enum_field(Severity, Severity.warning)
    status: str = enum_field(AlertStatus, AlertStatus.open)
    message_key: str = Field(max_length=80)
    params: dict | None = json_field()
    occurrences: int = 1
    raised_at: datetime = timestamp()
    resolved_at: datetime | None = timestamp(nullable=True)
