"""Deliveries sent the real way (claim, signed POST through the shared pool, record) to a real
HTTP receiver on this machine: one that verifies the signature, one that fails twice first, one
that never answers 2xx (then resent once it does); and a withdrawal committed through the real
service, delivered as `withdrawal.committed`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.tenancy import TenantScope
from app.webhooks.models import WebhookAttempt, WebhookDelivery
from app.webhooks.services import delivery as sender
from app.webhooks.services import webhooks as service
from tests.webhooks.test_signature import _block
from tests.webhooks.world import ADMIN, receiver, subscribe, tenant_with_subscription


def _verifier():
    scope: dict = {}
    exec(_block("python"), scope)  # the receivers' code from docs/webhooks.md
    return scope["verify_webhook"]


def _world(engine: Engine, url: str, events: int = 1) -> tuple[int, list[int], str]:
    with session_scope(engine) as session:
        tenant_id, _, secret = tenant_with_subscription(session, url=url)
        ids = [
            service.emit(session, tenant_id, "cabinet.online", n, {"n": n}).event_id
            for n in range(events)
        ]
    return tenant_id, ids, secret


def _deliveries(engine: Engine) -> list[WebhookDelivery]:
    with Session(engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all())


async def test_a_receiver_gets_signed_json_it_can_verify(engine: Engine) -> None:
    verify = _verifier()
    with receiver(204) as hook:
        _, event_ids, secret = _world(engine, hook.url, events=3)
        totals = await sender.deliver_due(engine=engine, pool=sender.Pool())
    assert totals == {"sent": 3, "delivered": 3}
    assert [d.status for d in _deliveries(engine)] == ["delivered"] * 3
    for got in hook.received:  # sent at once: in no particular order (three resources)
        assert verify(secret, got.headers, got.body)
        assert not verify("whsec_wrong", got.headers, got.body)
        assert got.headers["Webhook-Id"] == json.loads(got.body)["id"]
        assert got.headers["Content-Type"].startswith("application/json")
    assert sorted(r.headers["Webhook-Id"] for r in hook.received) == sorted(event_ids)


async def test_a_receiver_failing_twice_gets_it_on_the_third_attempt(engine: Engine) -> None:
    with receiver(500, 502, 200) as hook:
        _world(engine, hook.url)
        t0 = datetime.now(UTC)
        pool = sender.Pool()
        for offset in (0, 15, 45):
            await sender.deliver_due(engine=engine, pool=pool, now=t0 + timedelta(seconds=offset))
    (delivery,) = _deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    with Session(engine) as session:
        attempts = session.exec(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert [a.status_code for a in attempts] == [500, 502, 200]
    assert attempts[0].response_excerpt.startswith("receiver says no")
    assert len(attempts[0].response_excerpt) == sender.EXCERPT_CHARS
    assert len({r.headers["Webhook-Id"] for r in hook.received}) == 1  # one event, three tries


async def test_a_receiver_that_never_succeeds_needs_attention_then_a_resend_works(
    engine: Engine,
) -> None:
    with receiver(503) as hook:
        tenant_id, _, _ = _world(engine, hook.url)
        now = datetime.now(UTC)
        pool = sender.Pool()
        await sender.deliver_due(engine=engine, pool=pool, now=now)
        for wait in sender.RETRY_AFTER:
            now += wait
            await sender.deliver_due(engine=engine, pool=pool, now=now)
        (delivery,) = _deliveries(engine)
        assert (delivery.status, delivery.attempts) == ("needs_attention", sender.MAX_ATTEMPTS)
        assert len(hook.received) == sender.MAX_ATTEMPTS
        hook.script = [200]  # someone fixed the receiver
        with session_scope(engine) as session:
            service.resend(
                session=session,
                scope=TenantScope.single(tenant_id),
                delivery_id=delivery.id,
                actor=ADMIN,
            )
        assert await sender.deliver_due(engine=engine, pool=pool) == {
            "sent": 1,
            "delivered": 1,
        }
    assert _deliveries(engine)[0].status == "delivered"


async def test_a_refused_connection_is_an_attempt_logged_with_its_error(engine: Engine) -> None:
    with receiver(200) as hook:
        url = hook.url
    _world(engine, url)  # nothing listens there any more
    await sender.deliver_due(engine=engine, pool=sender.Pool())
    (delivery,) = _deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "ConnectError" in delivery.last_error


async def test_a_committed_withdrawal_is_delivered_as_withdrawal_committed(
    engine: Engine,
) -> None:
    from app.withdrawals.services.commit import commit
    from tests.withdrawals.test_corrections import _door
    from tests.withdrawals.test_corrections import _world as withdrawal_world

    verify = _verifier()
    with receiver(200) as hook:
        with session_scope(engine) as session:
            tenant, cabinet, person, things, _ = withdrawal_world(session)
            _, secret = subscribe(session, tenant.id, hook.url, ["withdrawal.committed"])
            (a1, pen), (a2, pad) = things["A1"], things["A2"]
            door = _door(session, tenant, cabinet, person)
            withdrawal = commit(session, cabinet, door, [(a1, pen, 3), (a2, pad, 1)])
        await sender.deliver_due(engine=engine, pool=sender.Pool())
    (got,) = hook.received
    assert verify(secret, got.headers, got.body)
    payload = json.loads(got.body)
    assert (payload["type"], payload["version"], payload["tenant"]) == (
        "withdrawal.committed",
        1,
        tenant.code,
    )
    data = payload["data"]
    assert data["withdrawal_id"] == withdrawal.id
    assert data["person"]["name"] == "王芳"
    assert data["cabinet"] == {"id": cabinet.id, "code": cabinet.code, "name": cabinet.name}
    assert [(line["sku"], line["quantity"], line["line_cost_cents"]) for line in data["lines"]] == [
        ("KA1", 3, 450),
        ("KA2", 1, 800),
    ]
    assert (data["total_qty"], data["total_cost_cents"]) == (4, 1250)
