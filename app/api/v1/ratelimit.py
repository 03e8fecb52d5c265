"""Requests per API key: a token bucket (`rate` per second refilled, `burst` at most).

With `REDIS_URL` the buckets live in Redis (one Lua script reads, refills and takes atomically),
so the rate holds across every web process. Without it (the embedded default, one process) they
live in the process's memory."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_RATE = 10.0  # tokens per second: 600 requests a minute, steady
DEFAULT_BURST = 60


def _refill(tokens: float, elapsed: float, rate: float, burst: int) -> tuple[float, float]:
    """The bucket after `elapsed` seconds and one request: (tokens left, seconds to wait)."""
    tokens = min(float(burst), tokens + max(0.0, elapsed) * rate)
    if tokens >= 1:
        return tokens - 1, 0.0
    return tokens, (1 - tokens) / rate


@dataclass
class TokenBuckets:
    """The buckets in this process's memory."""

    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def take(self, key_id: int) -> float:
        """0 when the call may go ahead; otherwise the seconds to wait before a retry."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key_id, (float(self.burst), now))
            tokens, wait = _refill(tokens, now - then, self.rate, self.burst)
            self._buckets[key_id] = (tokens, now)
        return wait


# The same arithmetic as `_refill`, atomically in Redis; the wait comes back as text (Redis
# would truncate a Lua number to an integer).
TAKE_LUA = """
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local rate, burst, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return tostring(wait)
"""


@dataclass
class SharedTokenBuckets:
    """The buckets in Redis, shared by every web process (wall-clock time: processes agree)."""

    url: str
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    clock: Callable[[], float] = time.time
    prefix: str = "api:rate:"
    _script: Any = None  # redis-py's Script, registered on first use

    async def take(self, key_id: int) -> float:
        if self._script is None:
            import redis.asyncio as aioredis

            self._script = aioredis.Redis.from_url(self.url).register_script(TAKE_LUA)
        wait = await self._script(
            keys=[f"{self.prefix}{key_id}"], args=[self.rate, self.burst, self.clock()]
        )
        return float(wait)


def buckets_for(redis_url: str | None) -> TokenBuckets | SharedTokenBuckets:
    return SharedTokenBuckets(redis_url) if redis_url else TokenBuckets()


def retry_after(wait: float) -> str:
    """The Retry-After header's whole seconds (at least 1)."""
    return str(max(1, math.ceil(wait)))
