"""Tenant API keys for the REST API (/api/v1) and the replies kept for idempotent retries.

A key is shown once, at creation; only its SHA-256 hash is kept, with a short public prefix to
find it by. Its scopes name a resource and a verb (`items:write`). A key belongs to one tenant,
or to a service provider: then it reaches every company that provider serves (as its admins do),
naming the company with `?tenant=<code>` where a change needs one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, json_field, timestamp
from app.core.text import line_field


class ApiKey(TenantOwned, table=True):
    __tablename__ = "api_key"
    __table_args__ = (
        CheckConstraint("(tenant_id IS NULL) <> (provider_id IS NULL)", name="one_owner"),
    )

    tenant_id: int | None = Field(  # type: ignore[assignment]  # None: a provider's key
        default=None, foreign_key="tenant.id", index=True, ondelete="RESTRICT"
    )
    provider_id: int | None = Field(
        default=None, foreign_key="service_provider.id", index=True, ondelete="CASCADE"
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(field="name", max_length=80)
    prefix: str = Field(max_length=16, unique=True)
    secret_hash: str = Field(max_length=64)
    scopes: list | None = json_field(default_factory=list)
    created_by_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp()
    expires_at: datetime | None = timestamp(nullable=True)
    last_used_at: datetime | None = timestamp(nullable=True)
    revoked_at: datetime | None = timestamp(nullable=True)


class ApiIdempotency(TenantOwned, table=True):
    """The reply to a POST/PUT sent with an `Idempotency-Key`: a retry gets the same reply."""

    __tablename__ = "api_idempotency"
    __table_args__ = (
        UniqueConstraint("api_key_id", "idempotency_key"),
        Index("ix_api_idempotency_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    api_key_id: int = Field(foreign_key="api_key.id", ondelete="CASCADE")
    idempotency_key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_type=Text)
    created_at: datetime = timestamp()
