"""The retry schedule on an injected clock (15 s, 30 s, 60 s, then 5 min … 12 h, then a person),
the claim that keeps two workers off one delivery, the per-resource order, and resend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from app.webhooks.services import delivery as sender
from app.webhooks.services import webhooks as service
from tests.webhooks.world import ADMIN, tenant_with_subscription

T0 = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)
SCHEDULE_S = [15, 30, 60, 300, 1800, 7200, 21600, 43200]


def _fail(session: Session, now: datetime, status: int | None = 503) -> list[int]:
    """One round at `now`: what was due is claimed and every POST failed."""
    batch = sender.claim(session=session, now=now)
    outcomes = [
        sender.Outcome(out.delivery_id, status, 12, error="boom" if status is None else None)
        for out in batch
    ]
    sender.record(session=session, outcomes=outcomes, now=now)
    return [o.delivery_id for o in outcomes]


def test_retries_at_15_30_60_s_then_backoff_then_needs_attention(session: Session) -> None:
    tenant_id, _, _ = tenant_with_subscription(session)
    event = service.emit(session, tenant_id, "cabinet.online", 1, {}, T0)
    delivery = session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event.id))
    delivery = delivery.one()
    now = T0
    assert _fail(session, now) == [delivery.id]
    for wait in SCHEDULE_S:
        session.refresh(delivery)
        assert delivery.status == "pending"
        assert delivery.next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=wait)
        assert _fail(session, now + timedelta(seconds=wait - 1)) == []  # not yet
        now += timedelta(seconds=wait)
        assert _fail(session, now, status=None if wait == 60 else 500) == [delivery.id]
    session.refresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        "needs_attention",
        sender.MAX_ATTEMPTS,
        None,
    )
    assert _fail(session, now + timedelta(days=30)) == []  # waits for a person
    attempts = session.exec(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
    ).all()
    assert len(attempts) == 9
    assert [a.status_code for a in attempts][:4] == [503, 500, 500, None]
    assert attempts[3].error == "boom"

    resent = service.resend(
        session=session,
        scope=TenantScope.single(tenant_id),
        delivery_id=delivery.id,
        actor=ADMIN,
        now=now,
    )
    assert (resent.status, resent.attempts) == ("pending", 0)
    assert _fail(session, now) == [delivery.id]
    session.refresh(delivery)
    assert delivery.next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=15)
    audit = session.exec(select(AuditLog).where(AuditLog.action == "webhook_delivery.resend"))
    assert [(a.before, a.after) for a in audit] == [
        ({"status": "needs_attention"}, {"status": "pending"})
    ]
    with pytest.raises(ValidationError):  # already waiting to go
        service.resend(
            session=session,
            scope=TenantScope.single(tenant_id),
            delivery_id=delivery.id,
            actor=ADMIN,
        )


def test_a_claimed_delivery_is_not_claimed_again_until_its_hold_ends(session: Session) -> None:
    tenant_id, _, _ = tenant_with_subscription(session)
    service.emit(session, tenant_id, "cabinet.online", 1, {}, T0)
    assert len(sender.claim(session=session, now=T0)) == 1
    assert sender.claim(session=session, now=T0 + timedelta(seconds=30)) == []  # in flight
    again = sender.claim(session=session, now=T0 + sender.CLAIM_FOR)  # that worker died
    assert len(again) == 1


def test_one_resource_goes_in_order_while_others_pass(session: Session) -> None:
    tenant_id, _, _ = tenant_with_subscription(
        session, events=["cabinet.online", "cabinet.offline"]
    )
    first = service.emit(session, tenant_id, "cabinet.offline", 1, {}, T0)
    service.emit(session, tenant_id, "cabinet.online", 1, {}, T0)
    other = service.emit(session, tenant_id, "cabinet.offline", 2, {}, T0)
    batch = sender.claim(session=session, now=T0)
    assert [o.event_id for o in batch] == [first.event_id, other.event_id]
    sender.record(
        session=session,
        outcomes=[sender.Outcome(o.delivery_id, 500, 3) for o in batch],
        now=T0,
    )
    later = T0 + timedelta(seconds=15)
    assert [o.event_id for o in sender.claim(session=session, now=later)] == [
        first.event_id,
        other.event_id,
    ]  # cabinet 1's `online` still waits behind its `offline`
