"""How many jobs wait: read when /metrics is scraped (a Redis round trip at most, bounded)."""

from __future__ import annotations

import logging
from functools import lru_cache

from arq.constants import default_queue_name
from redis import Redis
from redis.exceptions import RedisError

from app.core import jobs
from app.core.config import get_settings

logger = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.5


@lru_cache(maxsize=4)
def _redis(url: str) -> Redis:
    return Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
    )


def queue_depth() -> int | None:
    """arq's queue length with REDIS_URL (every worker's share alike); otherwise the jobs this
    process holds, or None when it has no dispatcher (then the series is left out)."""
    url = get_settings().redis_url
    if url:
        try:
            return int(_redis(url).zcard(default_queue_name))  # type: ignore[arg-type]  # sync client
        except RedisError as failed:
            logger.warning("metrics: could not read the job queue (%s)", failed)
            return None
    dispatcher = jobs.current_dispatcher()
    if isinstance(dispatcher, jobs.InProcessDispatcher):
        return dispatcher.pending
    return None
