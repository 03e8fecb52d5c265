"""Outgoing webhooks: a tenant's subscriptions (a URL, a signing secret kept encrypted, the event
types it wants), the events recorded in the transaction that caused them (the outbox), one
delivery per event and subscription, and every attempt to send one (the delivery log)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, json_field, timestamp


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its first attempt or its next retry
    delivered = "delivered"  # the receiver answered 2xx
    needs_attention = "needs_attention"  # retries exhausted: waits for a person (resend)
    cancelled = "cancelled"  # its subscription was disabled before it went out


class WebhookSubscription(TenantOwned, table=True):
    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    url: str = Field(max_length=500)
    secret_ciphertext: str = Field(max_length=512)  # AES-GCM, app.cabinets.services.credentials
    events: list | None = json_field()  # event types, e.g. ["withdrawal.committed"]
    is_active: bool = True
    created_at: datetime = timestamp()
    secret_rotated_at: datetime | None = timestamp(nullable=True)


class WebhookEvent(TenantOwned, table=True):
    """One thing that happened, as sent: `body` is the exact JSON every delivery posts."""

    __tablename__ = "webhook_event"
    __table_args__ = (UniqueConstraint("event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36)  # a UUID: the receivers' de-duplication key
    type: str = Field(max_length=40)
    resource: str = Field(max_length=80)  # "withdrawal:12": deliveries of one go out in order
    body: str = Field(sa_type=Text)
    created_at: datetime = timestamp()


class WebhookDelivery(TenantOwned, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        enum_check("status", DeliveryStatus),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_webhook_delivery_status_next_attempt_at", "status", "next_attempt_at"),
        # the ordering rule's look-up: an earlier delivery of the same resource still pending
        Index("ix_webhook_delivery_subscription_id_resource", "subscription_id", "resource", "id"),
        Index("ix_webhook_delivery_tenant_id_status_id", "tenant_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="webhook_subscription.id", ondelete="CASCADE")
    event_id: int = Field(foreign_key="webhook_event.id", index=True, ondelete="CASCADE")
    resource: str = Field(max_length=80)
    status: str = enum_field(DeliveryStatus, DeliveryStatus.pending)
    attempts: int = 0  # since it was made or last resent: drives the backoff
    next_attempt_at: datetime | None = timestamp(nullable=True)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = timestamp()
    delivered_at: datetime | None = timestamp(nullable=True)


class WebhookAttempt(TenantOwned, table=True):
    """One POST of a delivery: what the receiver answered (capped), how long it took, or why not."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True, ondelete="CASCADE")
    at: datetime = timestamp()
    status_code: int | None = None
    duration_ms: int = 0
    response_excerpt: str | None = Field(default=None, max_length=1000)
    error: str | None = Field(default=None, max_length=500)
