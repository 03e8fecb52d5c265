"""What the rest of the code calls to count: small functions, cheap on hot paths (no database,
a handful of dictionary look-ups). What depends on a database change is counted once that
change commits (app/core/after_commit.py): a rolled-back unit of work counts nothing."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from arq.worker import Retry
from sqlalchemy.orm import Session

from app.core.after_commit import on_commit
from app.metrics import registry as m
from hardware.protocol.messages import CHANNEL_OF_TYPE, HTTP_TYPES

# a cabinet names its message's type: only the protocol's own become label values
DEVICE_TYPES = frozenset(CHANNEL_OF_TYPE) | frozenset(HTTP_TYPES)
Judged = tuple[str | None, str, str | None]  # (message type, status, refusal code)


def device_type(message_type: Any) -> str:
    if message_type is None:
        return "unknown"  # refused before its type could be read (bad JSON, say)
    return message_type if message_type in DEVICE_TYPES else "other"


def count_ingested(session: Session, judged: Iterable[Judged]) -> None:
    """A gateway's batch, counted by type and outcome (refusals by reason too) once stored."""
    outcomes: Counter[tuple[str, str]] = Counter()
    refusals: Counter[tuple[str, str]] = Counter()
    size = 0
    for message_type, status, code in judged:
        size += 1
        kind = device_type(message_type)
        outcomes[kind, status] += 1
        if status == "rejected":
            refusals[kind, code or "unknown"] += 1
    if size:
        on_commit(session, lambda: _count_batch(outcomes, refusals, size))


def _count_batch(outcomes: Counter, refusals: Counter, size: int) -> None:
    m.INGEST_BATCH_SIZE.observe(size)
    for (kind, status), n in outcomes.items():
        m.DEVICE_MESSAGES.labels(kind, status).inc(n)
    for (kind, reason), n in refusals.items():
        m.DEVICE_REFUSED.labels(kind, reason).inc(n)


def count_refused(reason: str, n: int = 1) -> None:
    """Refusals of the gateway itself, outside any unit of work (nothing could be stored)."""
    m.DEVICE_REFUSED.labels("unknown", reason).inc(n)


def withdrawal_committed(session: Session, closed_at: datetime | None) -> None:
    """The door-close-to-commit time of a withdrawal, taken when its unit of work commits."""
    if closed_at is None:
        return
    closed = closed_at if closed_at.tzinfo else closed_at.replace(tzinfo=UTC)
    on_commit(
        session,
        lambda: m.DOOR_CLOSE_TO_COMMIT.observe(max(time.time() - closed.timestamp(), 0.0)),
    )


def alert_raised(session: Session, kind: str) -> None:
    on_commit(session, m.ALERTS.labels(kind).inc)


def login_failed(reason: str) -> None:
    m.LOGIN_FAILURES.labels(reason).inc()


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    if isinstance(error, Retry):
        return "retry"
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"  # arq's job timeout, or the process shutting down
    return "failed"


@contextmanager
def timed_job(name: str, ctx: dict[str, Any]) -> Iterator[None]:
    """A job's run time by outcome; on its first try also how long it waited to start."""
    started = time.perf_counter()
    enqueued = ctx.get("enqueue_time")
    if ctx.get("job_try", 1) == 1 and isinstance(enqueued, datetime):
        waited = (
            time.time()
            - (enqueued if enqueued.tzinfo else enqueued.replace(tzinfo=UTC)).timestamp()
        )
        m.JOB_START_DELAY.labels(name).observe(max(waited, 0.0))
    error: BaseException | None = None
    try:
        yield
    except BaseException as raised:
        error = raised
        raise
    finally:
        m.JOB_SECONDS.labels(name, _outcome(error)).observe(time.perf_counter() - started)
