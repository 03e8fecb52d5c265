"""Rows that stand for a message to send (a report delivery, an alert message): each is claimed
before it is sent, so two workers never send it twice, and a failed attempt is tried again after
the next step of a backoff before it is given up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, update

M = TypeVar("M", bound=SQLModel)


def claim_due(
    session: Session, model: type[M], row_id: int, *, due: str, now: datetime, hold: timedelta
) -> M | None:
    """The pending row if its `due` moment has come, pushed `hold` ahead (a worker that dies
    while sending leaves it for another to pick up then); None when it is not ours to send."""
    column = getattr(model, due)
    columns = inspect(model).c
    claimed = session.exec(
        update(model)
        .where(columns.id == row_id, columns.status == "pending", column <= now)
        .values({due: now + hold})
        .execution_options(synchronize_session=False)  # the row is refreshed just below
    )
    if claimed.rowcount != 1:
        return None
    row = session.get(model, row_id)
    session.refresh(row)
    return row


def claim_due_batch(
    session: Session, model: type[M], row_ids: Sequence[int], *, due: str, now: datetime,
    hold: timedelta,
) -> list[int]:  # fmt: skip
    """`claim_due` for many rows in one statement: the ids that were ours to send."""
    if not row_ids:
        return []
    column = getattr(model, due)
    columns = inspect(model).c
    claimed = session.exec(
        update(model)
        .where(columns.id.in_(list(row_ids)), columns.status == "pending", column <= now)
        .values({due: now + hold})
        .returning(columns.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.scalars().all())


def failure_reason(failed: Exception, refusal: type[Exception]) -> str:
    """What the log shows: a channel's `refusal` as it said it, our own fault with its type."""
    reason = str(failed) if isinstance(failed, refusal) else f"{type(failed).__name__}: {failed}"
    return reason[:500]


def retry_at(attempts: int, now: datetime, backoff: Sequence[timedelta]) -> datetime | None:
    """When to try again after `attempts` failed ones; None: given up."""
    return None if attempts > len(backoff) else now + backoff[attempts - 1]
