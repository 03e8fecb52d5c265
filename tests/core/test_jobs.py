"""The same job functions run in-process and on a real arq worker against Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from arq.connections import RedisSettings
from arq.worker import Retry, Worker

from app.core.jobs import ArqDispatcher, InProcessDispatcher, JobDispatcher, job
from tests.services import REDIS_TEST_URL, require_redis

TRANSPORTS = ["inprocess", "redis"]


@job
async def job_record_effect(ctx: dict[str, Any], key: str, value: str) -> None:
    """Appends to a Redis list so both transports show their effect in the same place."""
    redis = aioredis.Redis.from_url(REDIS_TEST_URL, decode_responses=True)
    try:
        await redis.rpush(key, f"{value}@{ctx['job_try']}")
    finally:
        await redis.aclose()


@job
async def job_flaky_effect(ctx: dict[str, Any], key: str, fail_times: int) -> None:
    if ctx["job_try"] <= fail_times:
        raise Retry(defer=0.05)
    await job_record_effect(ctx, key, "done")


@job
async def job_broken(ctx: dict[str, Any]) -> None:
    raise RuntimeError("this job always fails")


FUNCTIONS = [job_record_effect, job_flaky_effect, job_broken]


class Harness:
    """A dispatcher plus a way to run queued work to completion on that transport."""

    def __init__(self, transport: str, queue: str) -> None:
        self.transport = transport
        self.queue = queue
        if transport == "redis":
            self.dispatcher: JobDispatcher = ArqDispatcher(REDIS_TEST_URL)
            self.dispatcher._settings = RedisSettings.from_dsn(REDIS_TEST_URL)
        else:
            self.dispatcher = InProcessDispatcher(functions={f.__name__: f for f in FUNCTIONS})

    async def enqueue(self, name: str, *args: Any, **kwargs: Any) -> bool:
        if isinstance(self.dispatcher, ArqDispatcher):
            redis = await self.dispatcher._redis()
            queued = await redis.enqueue_job(
                name,
                *args,
                _job_id=kwargs.pop("job_id", None),
                _defer_by=kwargs.pop("defer_by", None),
                _queue_name=self.queue,
                **kwargs,
            )
            return queued is not None
        return await self.dispatcher.enqueue(name, *args, **kwargs)

    async def run_all(self) -> None:
        if isinstance(self.dispatcher, InProcessDispatcher):
            await self.dispatcher.drain(within_s=10)
            return
        worker = Worker(
            functions=FUNCTIONS,
            redis_settings=RedisSettings.from_dsn(REDIS_TEST_URL),
            burst=True,
            poll_delay=0.02,
            queue_name=self.queue,
            max_tries=5,
            handle_signals=False,
        )
        try:
            await asyncio.wait_for(worker.main(), 20)
        finally:
            await worker.close()


@pytest.fixture(params=TRANSPORTS)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    require_redis()  # the effect list lives in Redis for both transports
    h = Harness(request.param, queue=f"test-queue-{uuid.uuid4().hex[:8]}")
    yield h
    await h.dispatcher.close()


@pytest.fixture
async def effects() -> AsyncIterator[tuple[str, aioredis.Redis]]:
    redis = aioredis.Redis.from_url(REDIS_TEST_URL, decode_responses=True)
    key = f"test-effects-{uuid.uuid4().hex}"
    yield key, redis
    await redis.delete(key)
    await redis.aclose()


async def test_a_queued_job_runs_once_with_its_arguments(harness: Harness, effects) -> None:
    key, redis = effects
    assert await harness.enqueue("job_record_effect", key, "领用")
    await harness.run_all()
    assert await redis.lrange(key, 0, -1) == ["领用@1"]


async def test_the_same_job_id_is_queued_only_once(harness: Harness, effects) -> None:
    key, redis = effects
    job_id = f"once-{uuid.uuid4().hex}"
    assert await harness.enqueue("job_record_effect", key, "a", job_id=job_id)
    assert not await harness.enqueue("job_record_effect", key, "b", job_id=job_id)
    await harness.run_all()
    assert not await harness.enqueue("job_record_effect", key, "c", job_id=job_id)  # result kept
    await harness.run_all()
    assert await redis.lrange(key, 0, -1) == ["a@1"]


async def test_retry_runs_the_job_again_until_it_succeeds(harness: Harness, effects) -> None:
    key, redis = effects
    await harness.enqueue("job_flaky_effect", key, 2)
    await harness.run_all()
    assert await redis.lrange(key, 0, -1) == ["done@3"]


async def test_a_failing_job_does_not_stop_the_others(harness: Harness, effects) -> None:
    key, redis = effects
    await harness.enqueue("job_broken")
    await harness.enqueue("job_record_effect", key, "after")
    await harness.run_all()
    assert await redis.lrange(key, 0, -1) == ["after@1"]


async def test_deferred_jobs_wait_before_running(harness: Harness, effects) -> None:
    key, redis = effects
    started = time.monotonic()
    await harness.enqueue("job_record_effect", key, "later", defer_by=0.5)
    await harness.run_all()
    assert await redis.lrange(key, 0, -1) == ["later@1"]
    assert time.monotonic() - started >= 0.45
