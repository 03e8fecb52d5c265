"""The page's read model: the delivery log filtered by status, one delivery with the JSON sent and
its attempts, and nothing of another tenant's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from app.core.errors import NotFoundError
from app.core.tenancy import TenantScope
from app.webhooks import queries
from app.webhooks.services import delivery as sender
from app.webhooks.services import webhooks as service
from tests.factories import make_tenant
from tests.webhooks.world import tenant_with_subscription

T0 = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)


def test_the_log_filters_by_status_and_opens_a_delivery_with_its_attempts(
    session: Session,
) -> None:
    tenant_id, subscription, _ = tenant_with_subscription(session)
    first = service.emit(session, tenant_id, "cabinet.online", 1, {"n": 1}, T0)
    service.emit(session, tenant_id, "cabinet.online", 2, {"n": 2}, T0)
    batch = sender.claim(session=session, now=T0)
    sender.record(
        session=session,
        outcomes=[
            sender.Outcome(batch[0].delivery_id, 200, 40, '{"ok":true}'),
            sender.Outcome(batch[1].delivery_id, None, 10_000, error="ReadTimeout: timed out"),
        ],
        now=T0,
    )
    scope = TenantScope.single(tenant_id)
    everything = queries.delivery_log(session=session, scope=scope)
    assert [(d.status, d.subscription) for d in everything] == [
        ("pending", subscription.name),
        ("delivered", subscription.name),
    ]
    delivered = queries.delivery_log(session=session, scope=scope, status="delivered")
    assert [d.event_id for d in delivered] == [first.event_id]
    detail = queries.delivery_detail(session=session, scope=scope, delivery_id=delivered[0].id)
    assert detail.body == first.body
    assert [(a.status_code, a.duration_ms, a.response_excerpt) for a in detail.attempts] == [
        (200, 40, '{"ok":true}')
    ]
    other = TenantScope.single(make_tenant(session).id)
    assert queries.delivery_log(session=session, scope=other) == []
    with pytest.raises(NotFoundError):
        queries.delivery_detail(session=session, scope=other, delivery_id=delivered[0].id)
