"""Webhook subscriptions and the outbox they read.

A subscription is a tenant's receiver: a URL, the event types it wants and a signing secret
(generated here, shown once at creation or rotation, kept only encrypted). The URL rule: `https`
always; plain `http` only to this machine or a private network (127/8, ::1, localhost, 10/8,
172.16/12, 192.168/16) and only outside production. Creating, editing, rotating the secret,
disabling and resending are audited.

`emit` is how a domain service says something happened: in the caller's transaction it records
the event once (its exact JSON body, versioned) and one pending delivery per active subscription
of that tenant that wants the type — so an event exists if and only if the change committed. A
tenant nobody subscribes for records nothing (one indexed query on the hot path)."""

from __future__ import annotations

import ipaddress
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from sqlmodel import Session, col, select, update

from app.audit.services import audit
from app.audit.services.records import Actor, record_created, update_scoped
from app.cabinets.services.credentials import encrypt_secret
from app.core.config import get_settings
from app.core.errors import ValidationError
from app.core.memo import memo_of, remember
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.tenants.models import Tenant
from app.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

PAYLOAD_VERSION = 1
SECRET_PREFIX = "whsec_"
EVENT_TYPES = (
    "withdrawal.committed",
    "withdrawal.corrected",
    "exception.raised",
    "stock.low",
    "workorder.created",
    "workorder.done",
    "cabinet.offline",
    "cabinet.online",
)
LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class SubscriptionSpec:
    name: str
    url: str
    events: list[str]
    is_active: bool = True


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _private_host(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def checked_url(url: str) -> str:
    """The receiver's URL: https, or http to a local/private host outside production."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError:
        raise ValidationError(field="url") from None
    if not host or len(url) > 500 or parts.username or parts.password:
        raise ValidationError(field="url")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and _private_host(host) and not get_settings().is_production:
        return url
    raise ValidationError("webhooks.https_only", field="url")


def _columns(spec: SubscriptionSpec) -> dict[str, Any]:
    name = (spec.name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(field="name")
    events = sorted(set(spec.events or []))
    if not events or any(e not in EVENT_TYPES for e in events):
        raise ValidationError(field="events")
    return {
        "name": name,
        "url": checked_url(spec.url),
        "events": events,
        "is_active": bool(spec.is_active),
    }


def create_subscription(
    *, session: Session, scope: TenantScope, tenant_id: int, spec: SubscriptionSpec, actor: Actor
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its signing secret (the only time it is seen in clear)."""
    if session.get(Tenant, tenant_id) is None or not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    secret = new_secret()
    row = WebhookSubscription(
        tenant_id=tenant_id, secret_ciphertext=encrypt_secret(secret.encode()), **_columns(spec)
    )
    session.add(row)
    session.flush()
    record_created(session, row, actor=actor)
    return row, secret


def update_subscription(
    *,
    session: Session,
    scope: TenantScope,
    subscription_id: int,
    spec: SubscriptionSpec,
    actor: Actor,
) -> WebhookSubscription:
    """Change the name, URL, event types or the active flag (disabling cancels what waits)."""
    changes = _columns(spec)
    row = update_scoped(session, WebhookSubscription, subscription_id, scope, changes, actor=actor)
    if not row.is_active:
        _cancel_waiting(session, row)
    return row


def disable_subscription(
    *, session: Session, scope: TenantScope, subscription_id: int, actor: Actor
) -> WebhookSubscription:
    row = update_scoped(
        session, WebhookSubscription, subscription_id, scope, {"is_active": False}, actor=actor
    )
    _cancel_waiting(session, row)
    return row


def _cancel_waiting(session: Session, row: WebhookSubscription) -> None:
    session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == row.id,
            col(WebhookDelivery.status) == DeliveryStatus.pending.value,
        )
        .values(status=DeliveryStatus.cancelled.value, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )


def rotate_secret(
    *,
    session: Session,
    scope: TenantScope,
    subscription_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> str:
    """A new signing secret, effective for the next attempt; the old one stops at once."""
    row = get_scoped_or_raise(session, WebhookSubscription, subscription_id, scope)
    secret = new_secret()
    row.secret_ciphertext = encrypt_secret(secret.encode())
    row.secret_rotated_at = now or datetime.now(UTC)
    session.flush()
    _audit(session, "webhook_subscription.rotate_secret", row, actor, "secret", "old", "new")
    return secret


def get_subscription(
    *, session: Session, scope: TenantScope, subscription_id: int
) -> WebhookSubscription:
    return get_scoped_or_raise(session, WebhookSubscription, subscription_id, scope)


def list_subscriptions(*, session: Session, scope: TenantScope) -> list[WebhookSubscription]:
    statement = scoped_select(WebhookSubscription, scope).order_by(
        col(WebhookSubscription.tenant_id), col(WebhookSubscription.id)
    )
    return list(session.exec(statement).all())


def resend(
    *,
    session: Session,
    scope: TenantScope,
    delivery_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> WebhookDelivery:
    """Send a delivery again (after a person fixed the receiver): pending now, a fresh backoff."""
    delivery = get_scoped_or_raise(session, WebhookDelivery, delivery_id, scope)
    if delivery.status == DeliveryStatus.pending.value:
        raise ValidationError("webhooks.already_pending", field="status")
    subscription = session.get_one(WebhookSubscription, delivery.subscription_id)
    if not subscription.is_active:
        raise ValidationError("webhooks.subscription_disabled", field="status")
    was = delivery.status
    delivery.status, delivery.attempts = DeliveryStatus.pending.value, 0
    delivery.next_attempt_at = now or datetime.now(UTC)
    session.flush()
    _audit(session, "webhook_delivery.resend", delivery, actor, "status", was, delivery.status)
    return delivery


def _audit(
    session: Session, action: str, row: Any, actor: Actor, field: str, before: str, after: str
) -> None:
    audit.record(
        session=session,
        action=action,
        entity=row.__tablename__,
        entity_id=row.id,
        tenant_id=row.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={field: before},
        after={field: after},
        ip=actor.ip,
    )


def when(moment: datetime) -> str:
    """A timestamp as the payloads write it: ISO 8601, UTC, milliseconds."""
    return as_utc(moment).astimezone(UTC).isoformat(timespec="milliseconds")


SUBSCRIPTIONS = "webhooks.subscriptions"  # batch memo: tenant → [(subscription id, events)]


def _subscriptions(session: Session, tenant_id: int) -> list[tuple[int, list[str] | None]]:
    """The tenant's active subscriptions and their events (the running batch's, if loaded)."""
    batch: list[tuple[int, list[str] | None]] | None = (memo_of(session, SUBSCRIPTIONS) or {}).get(
        tenant_id
    )
    if batch is not None:
        return batch
    rows = session.exec(
        select(WebhookSubscription.id, WebhookSubscription.events).where(
            WebhookSubscription.tenant_id == tenant_id, WebhookSubscription.is_active
        )
    ).all()
    return cast(list[tuple[int, list[str] | None]], list(rows))  # ids of stored rows


def preload(session: Session, tenant_ids: list[int]) -> None:
    """The active subscriptions of these tenants, kept for the running batch (app/core/memo.py):
    its events are recorded without reading them again."""
    rows = session.exec(
        select(
            WebhookSubscription.tenant_id, WebhookSubscription.id, WebhookSubscription.events
        ).where(col(WebhookSubscription.tenant_id).in_(tenant_ids), WebhookSubscription.is_active)
    ).all()
    found: dict[int, list[tuple[int, list[str] | None]]] = {t: [] for t in tenant_ids}
    for tenant_id, sub_id, events in rows:
        found[tenant_id].append((cast(int, sub_id), cast(list[str] | None, events)))
    remember(session, SUBSCRIPTIONS, found)


def emit(
    session: Session,
    tenant_id: int,
    type: str,
    resource_id: str | int,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    now: datetime | None = None,
) -> WebhookEvent | None:
    """Record that `type` happened to a resource, in the caller's transaction, with one pending
    delivery per subscription that wants it; None when no active subscription does. `data` may
    be a function: it is only called when someone listens."""
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type!r}")
    wanted = [
        sub_id for sub_id, events in _subscriptions(session, tenant_id) if type in (events or [])
    ]
    if not wanted:
        return None
    now = now or datetime.now(UTC)
    event_id = str(uuid.uuid4())
    payload = {
        "id": event_id,
        "type": type,
        "version": PAYLOAD_VERSION,
        "created_at": when(now),
        "tenant": session.get_one(Tenant, tenant_id).code,
        "data": data() if callable(data) else data,
    }
    resource = f"{type.split('.', 1)[0]}:{resource_id}"
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    event = WebhookEvent(
        tenant_id=tenant_id,
        event_id=event_id,
        type=type,
        resource=resource,
        body=body,
        created_at=now,
    )
    session.add(event)
    session.flush()
    session.add_all(
        WebhookDelivery(
            tenant_id=tenant_id,
            subscription_id=sub_id,
            event_id=pk(event),
            resource=resource,
            next_attempt_at=now,
            created_at=now,
        )
        for sub_id in wanted
    )
    session.flush()
    return event
