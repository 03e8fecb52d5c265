"""What the webhooks page shows: the subscriptions (never their secret), the delivery log newest
first (filtered by status), and one delivery opened: the JSON sent and every attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.tenants.models import Tenant
from app.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhooks.services.webhooks import list_subscriptions

STATUS_FILTERS = ("all", *(s.value for s in DeliveryStatus))
LOG_LIMIT = 50


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    tenant: str
    name: str
    url: str
    events: list[str]
    is_active: bool


@dataclass(frozen=True)
class DeliveryView:
    id: int
    at: datetime
    subscription: str
    event_type: str
    event_id: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str


@dataclass(frozen=True)
class AttemptView:
    at: datetime
    status_code: int | None
    duration_ms: int
    response_excerpt: str
    error: str


@dataclass(frozen=True)
class DeliveryDetail:
    delivery: DeliveryView
    body: str
    attempts: list[AttemptView]


def subscription_views(*, session: Session, scope: TenantScope) -> list[SubscriptionView]:
    names = dict(session.exec(select(Tenant.id, Tenant.name)).all())
    return [
        SubscriptionView(
            pk(s), names.get(s.tenant_id, ""), s.name, s.url, list(s.events or []), s.is_active
        )
        for s in list_subscriptions(session=session, scope=scope)
    ]


def _view(delivery: WebhookDelivery, name: str, event: WebhookEvent) -> DeliveryView:
    return DeliveryView(
        pk(delivery),
        delivery.created_at,
        name,
        event.type,
        event.event_id,
        delivery.status,
        delivery.attempts,
        delivery.last_status_code,
        delivery.last_error or "",
    )


def delivery_log(
    *, session: Session, scope: TenantScope, status: str = "all", limit: int = LOG_LIMIT
) -> list[DeliveryView]:
    statement = (
        select(WebhookDelivery, WebhookSubscription.name, WebhookEvent)
        .where(scope_filter(WebhookDelivery, scope))
        .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookDelivery.subscription_id)
        .join(WebhookEvent, col(WebhookEvent.id) == WebhookDelivery.event_id)
        .order_by(col(WebhookDelivery.id).desc())
        .limit(limit)
    )
    if status in STATUS_FILTERS and status != "all":
        statement = statement.where(WebhookDelivery.status == status)
    return [_view(d, name, e) for d, name, e in session.exec(statement).all()]


def delivery_detail(*, session: Session, scope: TenantScope, delivery_id: int) -> DeliveryDetail:
    delivery = get_scoped_or_raise(session, WebhookDelivery, delivery_id, scope)
    subscription = session.get_one(WebhookSubscription, delivery.subscription_id)
    event = session.get_one(WebhookEvent, delivery.event_id)
    attempts = session.exec(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(col(WebhookAttempt.id))
    ).all()
    return DeliveryDetail(
        _view(delivery, subscription.name, event),
        event.body,
        [
            AttemptView(a.at, a.status_code, a.duration_ms, a.response_excerpt or "", a.error or "")
            for a in attempts
        ],
    )
