"""The job dispatcher: services' background work, with the same functions on two transports.

Jobs are `async def fn(ctx: dict, *args, **kwargs)` registered with `@job`. In-process (the
embedded default) they run as asyncio tasks; with REDIS_URL they go to arq workers. Both honour
arq's semantics: `_job_id` de-duplication, `arq.Retry` to run again later, at most
`max_tries` attempts, other exceptions fail the job (logged, nothing else stops).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any, Protocol

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Retry

from app.core.config import get_settings

logger = logging.getLogger(__name__)
JobFunction = Callable[..., Awaitable[Any]]


class Job(Protocol):
    """A registered job as arq runs it (its WorkerCoroutine): the context, then the arguments."""

    __qualname__: str

    async def __call__(self, ctx: dict[Any, Any], *args: Any, **kwargs: Any) -> Any: ...


JOBS: dict[str, JobFunction] = {}
DEFAULT_MAX_TRIES = 5
DEFAULT_KEEP_RESULT_S = 3600.0


# How a job's run is timed: nothing, until the metrics install theirs (app/metrics/__init__.py);
# read at every run, so jobs registered before that are timed too. Core imports no domain.
JobTimer = Callable[[str, dict[str, Any]], AbstractContextManager[Any]]
_job_timer: JobTimer = lambda name, ctx: nullcontext()  # noqa: E731


def time_jobs_with(timer: JobTimer) -> None:
    global _job_timer
    _job_timer = timer


def job(fn: JobFunction) -> Job:
    """Register a job function under its name (the name is what callers enqueue); every run,
    in-process or on an arq worker, is timed into the metrics by job and outcome."""

    @functools.wraps(fn)  # arq names a job by its function's __qualname__: kept
    async def measured(ctx: dict[Any, Any], *args: Any, **kwargs: Any) -> Any:
        with _job_timer(fn.__name__, ctx):
            return await fn(ctx, *args, **kwargs)

    JOBS[fn.__name__] = measured
    return measured


class JobDispatcher(ABC):
    @abstractmethod
    async def enqueue(
        self,
        name: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: float | None = None,
        **kwargs: Any,
    ) -> bool:
        """Queue a job; False when a job with the same `job_id` is queued, running or recent."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections / stop accepting work."""


class InProcessDispatcher(JobDispatcher):
    """asyncio tasks with bounded concurrency; for one-process deployments and tests."""

    def __init__(
        self,
        *,
        concurrency: int = 4,
        max_tries: int = DEFAULT_MAX_TRIES,
        keep_result_s: float = DEFAULT_KEEP_RESULT_S,
        ctx_extra: dict[str, Any] | None = None,
        functions: dict[str, JobFunction] | None = None,
    ) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._max_tries = max_tries
        self._keep_result_s = keep_result_s
        self._ctx_extra = ctx_extra or {}
        self._functions = functions if functions is not None else JOBS
        self._tasks: set[asyncio.Task[None]] = set()
        self._known_ids: dict[str, float] = {}  # job id -> monotonic expiry (inf while live)
        self.completed = 0
        self.failed = 0

    @property
    def pending(self) -> int:
        """Jobs queued, deferred or running in this process."""
        return len(self._tasks)

    def _seen(self, job_id: str) -> bool:
        expiry = self._known_ids.get(job_id)
        return expiry is not None and expiry > time.monotonic()

    async def enqueue(
        self,
        name: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: float | None = None,
        **kwargs: Any,
    ) -> bool:
        if name not in self._functions:
            raise KeyError(f"unknown job {name!r}")
        if job_id is not None:
            if self._seen(job_id):
                return False
            self._forget_expired()
            self._known_ids[job_id] = float("inf")
        job_id = job_id or uuid.uuid4().hex
        task = asyncio.create_task(self._run(name, job_id, args, kwargs, defer_by or 0.0))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _forget_expired(self) -> None:
        """Keep the de-duplication memory bounded in a long-running process."""
        if len(self._known_ids) < 10_000:
            return
        now = time.monotonic()
        for key in [k for k, expiry in self._known_ids.items() if expiry <= now]:
            del self._known_ids[key]

    async def _run(
        self, name: str, job_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], delay: float
    ) -> None:
        enqueued = datetime.now(UTC)
        for attempt in range(1, self._max_tries + 1):
            if delay:
                await asyncio.sleep(delay)
            ctx = {
                "job_id": job_id,
                "job_try": attempt,
                "enqueue_time": enqueued,
                **self._ctx_extra,
            }
            try:
                async with self._semaphore:
                    await self._functions[name](ctx, *args, **kwargs)
            except Retry as retry:
                delay = _defer_seconds(retry.defer_score)
                logger.info(
                    "job %s (%s) asked to retry in %.1fs (try %d)", name, job_id, delay, attempt
                )
                continue
            except Exception:
                logger.exception("job %s (%s) failed on try %d", name, job_id, attempt)
                self.failed += 1
                break
            self.completed += 1
            break
        else:
            logger.error("job %s (%s) gave up after %d tries", name, job_id, self._max_tries)
            self.failed += 1
        self._known_ids[job_id] = time.monotonic() + self._keep_result_s

    async def drain(self, within_s: float = 30.0) -> None:
        """Wait until every queued job (including retries) has finished."""
        async with asyncio.timeout(within_s):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _defer_seconds(defer_score: int | None) -> float:
    """arq's Retry keeps its delay in milliseconds."""
    return (defer_score or 0) / 1000


class ArqDispatcher(JobDispatcher):
    """Jobs go to Redis; `make worker` (arq) runs them."""

    def __init__(self, url: str) -> None:
        self._settings = RedisSettings.from_dsn(url)
        self._pool: ArqRedis | None = None
        self._lock = asyncio.Lock()

    async def _redis(self) -> ArqRedis:
        async with self._lock:
            if self._pool is None:
                self._pool = await create_pool(self._settings)
        return self._pool

    async def enqueue(
        self,
        name: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: float | None = None,
        **kwargs: Any,
    ) -> bool:
        redis = await self._redis()
        queued = await redis.enqueue_job(name, *args, _job_id=job_id, _defer_by=defer_by, **kwargs)
        return queued is not None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


_dispatcher: JobDispatcher | None = None


def get_dispatcher() -> JobDispatcher:
    """The process-wide dispatcher: arq when REDIS_URL is set, else in-process."""
    global _dispatcher
    if _dispatcher is None:
        url = get_settings().redis_url
        _dispatcher = ArqDispatcher(url) if url else InProcessDispatcher()
    return _dispatcher


def current_dispatcher() -> JobDispatcher | None:
    """The process's dispatcher if one was made (metrics look, never make one)."""
    return _dispatcher


async def reset_dispatcher() -> None:
    global _dispatcher
    if _dispatcher is not None:
        await _dispatcher.close()
    _dispatcher = None
