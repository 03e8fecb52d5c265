"""Idempotency-Key: a retry gets the same reply and changes nothing again; the same key with
another body is refused; keys are per API key."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from app import jobs
from app.api.v1.idempotency import hash_request
from app.apikeys.models import ApiIdempotency, ApiKey
from app.apikeys.service import forget_replies
from app.audit.models import AuditLog
from app.core.errors import ValidationError
from app.items.models import Item
from tests.api.v1.conftest import bearer, key_with

ITEM = {"name": "回形针", "unit_weight_g": 0.5, "unit_cost_cents": 10}


def _count(session: Session, model, *where) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


async def test_a_retry_gets_the_same_reply_and_writes_nothing(session, client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "sync-42"}
    first = await client.put("/items/CLIP", json=ITEM, headers=h)
    audits = _count(session, AuditLog)
    retry = await client.put("/items/CLIP", json=ITEM, headers=h)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert _count(session, Item, Item.sku == "CLIP") == 1
    assert _count(session, AuditLog) == audits
    assert _count(session, ApiIdempotency) == 1


async def test_the_same_key_with_another_body_is_refused(session, client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "sync-43"}
    await client.put("/items/CLIP", json=ITEM, headers=h)
    other = await client.put("/items/CLIP", json={**ITEM, "unit_cost_cents": 99}, headers=h)
    assert other.status_code == 422
    assert other.json()["code"] == "api.idempotency_mismatch"
    elsewhere = await client.put("/items/CLIP2", json=ITEM, headers=h)
    assert elsewhere.status_code == 422
    assert session.exec(select(Item.unit_cost_cents).where(Item.sku == "CLIP")).one() == 10


async def test_a_refusal_is_not_kept_and_the_retry_runs_again(session, client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "sync-44"}
    refused = await client.put("/items/CLIP", json={**ITEM, "name": "  "}, headers=h)
    assert refused.status_code == 422
    assert _count(session, ApiIdempotency) == 0
    assert (await client.put("/items/CLIP", json=ITEM, headers=h)).status_code == 201


async def test_idempotency_keys_belong_to_one_api_key(session, client, world) -> None:
    a, b = world
    other = key_with(session, a, "items:write")
    await client.put("/items/CLIP", json=ITEM, headers={**bearer(a.key), "Idempotency-Key": "k"})
    second = await client.put(
        "/items/CLIP", json={**ITEM, "unit_cost_cents": 11},
        headers={**bearer(other), "Idempotency-Key": "k"},
    )  # fmt: skip
    assert second.status_code == 200 and second.json()["unit_cost_cents"] == 11
    theirs = await client.put(
        "/items/CLIP", json=ITEM, headers={**bearer(b.key), "Idempotency-Key": "k"}
    )
    assert theirs.status_code == 201


async def test_an_overlong_key_is_refused(client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "x" * 256}
    response = await client.put("/items/CLIP", json=ITEM, headers=h)
    assert response.status_code == 422 and response.json()["code"] == "api.idempotency_key_invalid"


async def test_stored_replies_are_forgotten_after_a_day(session, client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "old"}
    await client.put("/items/CLIP", json=ITEM, headers=h)
    stored = session.exec(select(ApiIdempotency)).one()
    assert forget_replies(session=session, now=stored.created_at + timedelta(hours=23)) == 0
    assert forget_replies(session=session, now=stored.created_at + timedelta(hours=25)) == 1
    session.commit()
    assert _count(session, ApiIdempotency) == 0
    assert "sweep_api_replies" in {c.coroutine.__name__ for c in jobs.WorkerSettings.cron_jobs}
    assert "sweep_api_replies" in {fn.__name__ for fn, _ in jobs.IN_PROCESS_SCHEDULE}


@pytest.mark.dialects("postgresql")
async def test_two_first_tries_at_once_write_once_and_answer_alike(session, client, world) -> None:
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "race-1"}
    replies = await asyncio.gather(
        *(client.put("/items/RACE", json=ITEM, headers=h) for _ in range(4))
    )
    assert {r.status_code for r in replies} == {201}
    assert len({r.text for r in replies}) == 1
    assert _count(session, Item, Item.sku == "RACE") == 1
    assert _count(session, ApiIdempotency) == 1


def _counting_upsert(monkeypatch, then=None) -> list[int]:
    """Wrap the route's service call: count its runs, and do `then(session)` inside its unit of
    work, after the item is written."""
    from app.api.v1 import items as route

    calls: list[int] = []
    real = route.upsert_item

    def upsert(*, session, **kwargs):
        calls.append(1)
        result = real(session=session, **kwargs)
        if then is not None:
            then(session)
        return result

    monkeypatch.setattr(route, "upsert_item", upsert)
    return calls


@pytest.mark.dialects("postgresql")
async def test_a_second_first_try_waits_for_the_first_and_replays_it(
    monkeypatch, session, client, world
) -> None:
    calls = _counting_upsert(monkeypatch, then=lambda _: time.sleep(0.3))
    a, _ = world
    h = {**bearer(a.key), "Idempotency-Key": "slow-1"}
    replies = await asyncio.gather(
        *(client.put("/items/SLOW", json=ITEM, headers=h) for _ in range(3))
    )
    assert [r.status_code for r in replies] == [201, 201, 201]
    assert len(calls) == 1  # the others waited on the key, then replayed its reply
    assert sorted(r.headers.get("idempotent-replayed", "") for r in replies) == ["", "true", "true"]


async def test_a_refusal_because_a_first_try_just_committed_replays_that_try(
    monkeypatch, session, client, world
) -> None:
    """The READ COMMITTED window: our try saw no item; another try with the same key committed
    the item and its reply; then our change is refused (the SKU is taken). The answer is the
    reply that try committed, not the refusal."""
    a, _ = world
    key_id = session.exec(select(ApiKey.id).where(ApiKey.tenant_id == a.tenant_id)).one()
    sent = json.dumps(ITEM).encode()
    same_request = hash_request("PUT", "/api/v1/items/WIN", a.tenant_id, sent)
    body = '{"sku": "WIN", "by": "the other try"}'

    def the_other_try_commits_then_ours_is_refused(**_) -> None:
        with Session(session.get_bind()) as other:
            other.add(ApiIdempotency(tenant_id=a.tenant_id, api_key_id=key_id,
                                     idempotency_key="window-1", request_hash=same_request,
                                     status_code=201, body=body))  # fmt: skip
            other.commit()
        raise ValidationError(field="sku")

    from app.api.v1 import items as route

    monkeypatch.setattr(route, "upsert_item", the_other_try_commits_then_ours_is_refused)
    h = {**bearer(a.key), "Idempotency-Key": "window-1", "Content-Type": "application/json"}
    reply = await client.put("/items/WIN", content=sent, headers=h)
    assert reply.status_code == 201, reply.text
    assert reply.text == body
    assert reply.headers["idempotent-replayed"] == "true"
    assert _count(session, Item, Item.sku == "WIN") == 0  # ours was rolled back
