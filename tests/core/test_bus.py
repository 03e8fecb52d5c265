"""The event bus behaves the same in-process and on real Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import redis.asyncio as aioredis

from app.core.bus import BusEvent, EventBus, InProcessBus, RedisBus, tenant_channel
from tests.services import REDIS_TEST_URL, require_redis

TRANSPORTS = ["inprocess", "redis"]


@pytest.fixture(params=TRANSPORTS)
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    if request.param == "redis":
        require_redis()
        instance: EventBus = RedisBus(REDIS_TEST_URL)
    else:
        instance = InProcessBus()
    yield instance
    await instance.close()


@pytest.fixture
def prefix() -> str:
    """Unique channel names so parallel runs on the same Redis never see each other."""
    return f"t{uuid.uuid4().hex[:8]}"


async def _next(events: AsyncIterator[BusEvent], within_s: float = 3.0) -> BusEvent:
    return await asyncio.wait_for(anext(events), within_s)


async def _settle() -> None:
    """Give Redis a moment to register a subscription before publishing."""
    await asyncio.sleep(0.05)


async def test_subscriber_receives_events_in_order_with_chinese_and_datetimes(
    bus: EventBus, prefix: str
) -> None:
    channel = f"{prefix}:{tenant_channel(1, 'stock')}"
    at = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    async with bus.subscribe(channel) as events:
        await _settle()
        for n in range(5):
            await bus.publish(channel, {"n": n, "item": "中性笔 0.5mm 黑", "at": at})
        received = [await _next(events) for _ in range(5)]
    assert [e.data["n"] for e in received] == [0, 1, 2, 3, 4]
    assert received[0].channel == channel
    assert received[0].data["item"] == "中性笔 0.5mm 黑"
    assert received[0].data["at"] == str(at)


async def test_patterns_select_channels_and_every_subscriber_gets_every_event(
    bus: EventBus, prefix: str
) -> None:
    async with (
        bus.subscribe(f"{prefix}:tenant:*:stock") as stock_events,
        bus.subscribe(f"{prefix}:tenant:1:*") as tenant1_events,
    ):
        await _settle()
        await bus.publish(f"{prefix}:tenant:2:stock", {"k": "a"})
        await bus.publish(f"{prefix}:tenant:1:alert", {"k": "b"})
        await bus.publish(f"{prefix}:tenant:1:stock", {"k": "c"})
        assert [(await _next(stock_events)).data["k"] for _ in range(2)] == ["a", "c"]
        assert [(await _next(tenant1_events)).data["k"] for _ in range(2)] == ["b", "c"]


async def test_nothing_arrives_after_the_subscription_closes(bus: EventBus, prefix: str) -> None:
    channel = f"{prefix}:x"
    async with bus.subscribe(channel) as events:
        await _settle()
    await bus.publish(channel, {"late": True})
    async with bus.subscribe(channel) as fresh:
        await _settle()
        await bus.publish(channel, {"late": False})
        assert (await _next(fresh)).data == {"late": False}
    with pytest.raises((TimeoutError, StopAsyncIteration, RuntimeError)):
        await asyncio.wait_for(anext(events), 0.2)


async def test_a_slow_in_process_subscriber_keeps_only_the_newest_events() -> None:
    bus = InProcessBus(queue_size=3)
    async with bus.subscribe("c") as events:
        for n in range(10):
            await bus.publish("c", {"n": n})
        assert bus.dropped == 7
        assert [(await _next(events)).data["n"] for _ in range(3)] == [7, 8, 9]


async def test_a_malformed_redis_message_is_skipped_not_fatal(prefix: str) -> None:
    require_redis()
    bus = RedisBus(REDIS_TEST_URL)
    raw = aioredis.Redis.from_url(REDIS_TEST_URL)
    channel = f"{prefix}:raw"
    try:
        async with bus.subscribe(channel) as events:
            await _settle()
            await raw.publish(channel, b"\xff not json")
            await raw.publish(channel, b"[1, 2]")
            await bus.publish(channel, {"ok": 1})
            assert (await _next(events)).data == {"ok": 1}
    finally:
        await raw.aclose()
        await bus.close()
