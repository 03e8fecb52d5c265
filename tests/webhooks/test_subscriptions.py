"""Subscriptions (URL rule, secret shown once and kept encrypted, changes audited) and `emit`:
one event, one delivery per active subscription of that tenant that wants the type."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.cabinets.services.credentials import decrypt_secret
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.tenants.models import Tenant
from app.webhooks.models import WebhookDelivery, WebhookEvent
from app.webhooks.services import webhooks as service
from app.webhooks.services.webhooks import SubscriptionSpec, checked_url, emit
from tests.factories import make_tenant
from tests.webhooks.world import ADMIN, subscribe, tenant_with_subscription

NOW = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "https://erp.example.com/hooks",
        "https://10.1.2.3:8443/x",
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://192.168.1.20/hook",
    ],
)
def test_https_anywhere_plain_http_only_to_local_or_private_hosts(url: str) -> None:
    assert checked_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://erp.example.com/hooks",
        "http://8.8.8.8/hook",
        "ftp://erp.example.com/",
        "https://user:pw@erp.example.com/",
        "https:///nohost",
        "erp.example.com/hooks",
        "",
    ],
)
def test_other_urls_are_refused_naming_the_field(url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        checked_url(url)
    assert refused.value.params["field"] == "url"


def test_plain_http_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    class Production:
        is_production = True

    monkeypatch.setattr(service, "get_settings", lambda: Production())
    with pytest.raises(ValidationError):
        checked_url("http://127.0.0.1:9000/hook")


def test_the_secret_is_shown_once_kept_encrypted_and_changes_are_audited(
    session: Session,
) -> None:
    tenant_id, subscription, secret = tenant_with_subscription(session)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert secret not in subscription.secret_ciphertext
    assert decrypt_secret(subscription.secret_ciphertext).decode() == secret
    scope = TenantScope.single(tenant_id)
    rotated = service.rotate_secret(
        session=session, scope=scope, subscription_id=subscription.id, actor=ADMIN
    )
    assert rotated != secret and decrypt_secret(subscription.secret_ciphertext) == rotated.encode()
    service.update_subscription(
        session=session,
        scope=scope,
        subscription_id=subscription.id,
        spec=SubscriptionSpec("ERP", subscription.url, ["stock.low", "cabinet.online"]),
        actor=ADMIN,
    )
    service.disable_subscription(
        session=session, scope=scope, subscription_id=subscription.id, actor=ADMIN
    )
    entries = session.exec(
        select(AuditLog).where(AuditLog.tenant_id == tenant_id).order_by(AuditLog.id)
    ).all()
    assert [e.action for e in entries] == [
        "webhook_subscription.create",
        "webhook_subscription.rotate_secret",
        "webhook_subscription.update",
        "webhook_subscription.update",
    ]
    logged = json.dumps([e.after for e in entries] + [e.before for e in entries])
    assert secret not in logged and rotated not in logged
    assert entries[2].after == {"events": ["cabinet.online", "stock.low"]}
    assert entries[3].after == {"is_active": False}


def test_a_bad_spec_names_its_field(session: Session) -> None:
    tenant = make_tenant(session)
    for spec, field in (
        (SubscriptionSpec("", "https://a.example/", ["stock.low"]), "name"),
        (SubscriptionSpec("x", "https://a.example/", []), "events"),
        (SubscriptionSpec("x", "https://a.example/", ["stock.gone"]), "events"),
        (SubscriptionSpec("x", "http://a.example/", ["stock.low"]), "url"),
    ):
        with pytest.raises(ValidationError) as refused:
            service.create_subscription(
                session=session,
                scope=TenantScope.single(tenant.id),
                tenant_id=tenant.id,
                spec=spec,
                actor=ADMIN,
            )
        assert refused.value.params["field"] == field


def test_another_tenant_cannot_see_or_change_a_subscription(session: Session) -> None:
    _, subscription, _ = tenant_with_subscription(session)
    other = TenantScope.single(make_tenant(session).id)
    with pytest.raises(NotFoundError):
        service.rotate_secret(
            session=session, scope=other, subscription_id=subscription.id, actor=ADMIN
        )
    assert service.list_subscriptions(session=session, scope=other) == []


def test_emit_makes_deliveries_only_for_subscribed_types_and_the_own_tenant(
    session: Session,
) -> None:
    tenant_id, wants_online, _ = tenant_with_subscription(session, events=["cabinet.online"])
    wants_both, _ = subscribe(
        session, tenant_id, "https://b.example/h", ["cabinet.online", "stock.low"], "BI"
    )
    subscribe(session, tenant_id, "https://c.example/h", ["withdrawal.committed"], "Other")
    service.disable_subscription(
        session=session,
        scope=TenantScope.single(tenant_id),
        subscription_id=subscribe(session, tenant_id, "https://d.example/", ["stock.low"])[0].id,
        actor=ADMIN,
    )
    other_tenant, _, _ = tenant_with_subscription(session, events=["cabinet.online"])

    event = emit(session, tenant_id, "cabinet.online", 7, {"code": "CAB-7"}, NOW)
    deliveries = session.exec(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
    ).all()
    assert sorted(d.subscription_id for d in deliveries) == sorted([wants_online.id, wants_both.id])
    assert {(d.tenant_id, d.status, d.resource) for d in deliveries} == {
        (tenant_id, "pending", "cabinet:7")
    }
    payload = json.loads(event.body)
    assert payload == {
        "id": event.event_id,
        "type": "cabinet.online",
        "version": 1,
        "created_at": "2026-12-06T05:30:00.000+00:00",
        "tenant": session.get(Tenant, tenant_id).code,
        "data": {"code": "CAB-7"},
    }
    low = emit(session, tenant_id, "stock.low", "3:4", {}, NOW)
    assert [d.subscription_id for d in session.exec(
        select(WebhookDelivery).where(WebhookDelivery.event_id == low.id)
    )] == [wants_both.id]  # fmt: skip
    assert emit(session, tenant_id, "workorder.done", 1, {}, NOW) is None  # nobody listens
    called = []
    assert emit(session, tenant_id, "exception.raised", 1, lambda: called.append(1), NOW) is None
    assert called == []  # data is not even built
    events = session.exec(select(WebhookEvent).where(WebhookEvent.tenant_id == other_tenant))
    assert list(events) == []
