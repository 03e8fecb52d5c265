"""The event bus: services publish domain events, the UI side and jobs subscribe.

One interface, two transports: in-process asyncio queues (the embedded default) and Redis
pub/sub (when REDIS_URL is set, so several processes share the events). Channels are
`tenant:<id>:<topic>`; subscriptions take glob patterns (`tenant:*:stock`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from app.core.config import get_settings

logger = logging.getLogger(__name__)
DEFAULT_QUEUE_SIZE = 10_000


@dataclass(frozen=True)
class BusEvent:
    channel: str
    data: dict[str, Any]


def tenant_channel(tenant_id: int, topic: str) -> str:
    return f"tenant:{tenant_id}:{topic}"


def encode(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))


class EventBus(ABC):
    @abstractmethod
    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        """Deliver `data` to every current subscriber whose pattern matches `channel`."""

    @abstractmethod
    def subscribe(
        self, *patterns: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[BusEvent]]:
        """Events on channels matching any of `patterns`, for as long as the context is open."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


class _Subscriber:
    def __init__(self, patterns: tuple[str, ...], maxsize: int) -> None:
        self.patterns = patterns
        self.queue: asyncio.Queue[BusEvent] = asyncio.Queue(maxsize=maxsize)

    def matches(self, channel: str) -> bool:
        return any(fnmatch.fnmatchcase(channel, p) for p in self.patterns)


class InProcessBus(EventBus):
    """Bounded per-subscriber queues: a slow subscriber loses its oldest events, never blocks."""

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.dropped = 0
        self._subscribers: set[_Subscriber] = set()

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        # Round-trip through JSON so both transports hand subscribers the same shapes.
        event = BusEvent(channel, json.loads(encode(data)))
        for subscriber in list(self._subscribers):
            if subscriber.matches(channel):
                self._offer(subscriber.queue, event)

    def _offer(self, queue: asyncio.Queue[BusEvent], event: BusEvent) -> None:
        if queue.full():
            queue.get_nowait()
            self.dropped += 1
        queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, *patterns: str) -> AsyncIterator[AsyncIterator[BusEvent]]:
        subscriber = _Subscriber(patterns, self.queue_size)
        self._subscribers.add(subscriber)
        try:
            yield self._iterate(subscriber)
        finally:
            self._subscribers.discard(subscriber)

    @staticmethod
    async def _iterate(subscriber: _Subscriber) -> AsyncIterator[BusEvent]:
        while True:
            yield await subscriber.queue.get()


class RedisBus(EventBus):
    """Redis pub/sub: one connection pool for publishing, a PSUBSCRIBE per subscription."""

    def __init__(self, url: str) -> None:
        # Bytes in, decoded here: a non-UTF-8 payload must be skipped, not crash the reader.
        self._redis = aioredis.Redis.from_url(url)

    async def publish(self, channel: str, data: dict[str, Any]) -> None:
        await self._redis.publish(channel, encode(data))

    @contextlib.asynccontextmanager
    async def subscribe(self, *patterns: str) -> AsyncIterator[AsyncIterator[BusEvent]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.psubscribe(*patterns)
        try:
            yield self._iterate(pubsub)
        finally:
            await pubsub.punsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated in redis-py

    @staticmethod
    async def _iterate(pubsub: Any) -> AsyncIterator[BusEvent]:
        async for message in pubsub.listen():
            if message.get("type") != "pmessage":
                continue
            channel = message["channel"].decode("utf-8", errors="replace")
            try:
                data = json.loads(message["data"])
                if not isinstance(data, dict):
                    raise ValueError("event is not a JSON object")
            except ValueError as exc:  # includes UnicodeDecodeError
                logger.warning("bus: skipped malformed event on %s: %s", channel, exc)
                continue
            yield BusEvent(channel, data)

    async def close(self) -> None:
        await self._redis.aclose()


_bus: EventBus | None = None


def get_bus() -> EventBus:
    """The process-wide bus: Redis when REDIS_URL is set, else in-process."""
    global _bus
    if _bus is None:
        url = get_settings().redis_url
        _bus = RedisBus(url) if url else InProcessBus()
    return _bus


async def reset_bus() -> None:
    global _bus
    if _bus is not None:
        await _bus.close()
    _bus = None
