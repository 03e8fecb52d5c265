"""The audit log: who changed what, when, from where; append-only like the stock ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.core.model_base import json_field, timestamp


class AuditLog(SQLModel, table=True):
    """`tenant_id` is NULL only for platform-level actions (e.g. creating a provider)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_audit_log_tenant_id_entity_entity_id", "tenant_id", "entity", "entity_id"),
        Index("ix_audit_log_actor_account_id_created_at", "actor_account_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(default=None, foreign_key="tenant.id", ondelete="RESTRICT")
    actor_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="RESTRICT"
    )
    actor_name: str | None = Field(default=None, max_length=60)
    action: str = Field(max_length=48, index=True)
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=64)
    before: dict | None = json_field()
    after: dict | None = json_field()
    ip: str | None = Field(default=None, max_length=45)
    created_at: datetime = timestamp()
