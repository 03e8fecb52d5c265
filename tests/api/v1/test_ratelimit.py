"""The rate per key: a token bucket on an injected clock; the 429 carries Retry-After."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.api.v1.context import ApiSettings
from app.api.v1.ratelimit import SharedTokenBuckets, TokenBuckets, retry_after
from tests.api.v1.conftest import NOW, bearer, edge_app, key_with
from tests.services import REDIS_TEST_URL, require_redis


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _buckets(kind: str, clock: Clock):
    if kind == "memory":
        return TokenBuckets(rate=2.0, burst=3, clock=clock)
    require_redis()
    return SharedTokenBuckets(
        REDIS_TEST_URL, rate=2.0, burst=3, clock=clock, prefix=f"test:rate:{uuid.uuid4().hex}:"
    )


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_a_bucket_allows_its_burst_then_its_rate(kind: str) -> None:
    clock = Clock()
    buckets = _buckets(kind, clock)
    assert [await buckets.take(1) for _ in range(3)] == [0, 0, 0]
    assert await buckets.take(1) == pytest.approx(0.5)
    assert await buckets.take(2) == 0  # another key has its own bucket
    clock.t += 0.5
    assert await buckets.take(1) == 0
    assert await buckets.take(1) > 0
    clock.t += 100
    assert [await buckets.take(1) for _ in range(3)] == [0, 0, 0]  # never more than the burst
    assert await buckets.take(1) > 0


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    assert retry_after(0.01) == "1" and retry_after(2.2) == "3"


@pytest.mark.dialects("sqlite")
async def test_a_key_over_its_rate_gets_429_with_retry_after(session, engine, world) -> None:
    a, _ = world
    clock = Clock()
    settings = ApiSettings(
        engine=engine, buckets=TokenBuckets(rate=0.5, burst=2, clock=clock), now=lambda: NOW
    )
    other = key_with(session, a, "items:read")
    transport = httpx.ASGITransport(app=edge_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as http:
        codes = [(await http.get("/items", headers=bearer(a.key))).status_code for _ in range(2)]
        over = await http.get("/items", headers=bearer(a.key))
        fresh = await http.get("/items", headers=bearer(other))
        clock.t += 2
        later = await http.get("/items", headers=bearer(a.key))
    assert codes == [200, 200]
    assert over.status_code == 429 and over.headers["retry-after"] == "2"
    assert over.json()["code"] == "api.rate_limited"
    assert fresh.status_code == 200 and later.status_code == 200
