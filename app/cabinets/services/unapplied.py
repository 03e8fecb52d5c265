"""Stored cabinet messages that no job applied: the hand-over to the jobs failed (Redis down
at that moment), or the worker applying them died mid-job (kill -9, a lost machine) and its
transaction rolled back. The gateway has acknowledged them to the broker already, so nothing
else would ever bring them back; this sweep hands them over again. Applying is idempotent and
takes each message's row lock (app/cabinets/services/cabinets.py), so a message the original job is
still applying is never applied twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.cabinets.models import DeviceMessage, MessageStatus

# A message younger than this is still on its way through its own job (the queue's wait plus
# the job's run); older and still `accepted`, its job is taken for lost.
STRANDED_AFTER = timedelta(seconds=30)
BATCH = 200  # messages per re-dispatched job
MAX_PER_SWEEP = 5000


def stranded_messages(
    *, session: Session, now: datetime, limit: int = MAX_PER_SWEEP
) -> list[list[int]]:
    """The ids of the messages stored before `now - STRANDED_AFTER` and never applied, in
    arrival order, cut into jobs of BATCH."""
    ids = session.exec(
        select(DeviceMessage.id)
        .where(
            DeviceMessage.status == MessageStatus.accepted.value,
            DeviceMessage.received_at < now - STRANDED_AFTER,
        )
        .order_by(col(DeviceMessage.id))
        .limit(limit)
    ).all()
    keys = [i for i in ids if i is not None]  # all of them: primary keys
    return [keys[start : start + BATCH] for start in range(0, len(keys), BATCH)]


def mark_failed(*, session: Session, message_row_id: int, error: str) -> bool:
    """A message its job cannot apply for what it is: kept, with the reason, out of every
    retry and sweep (an operator can read it in the device log)."""
    row = session.get(DeviceMessage, message_row_id, with_for_update=True)
    if row is None or row.status != MessageStatus.accepted.value:
        return False
    row.status = MessageStatus.failed.value
    row.error = error[:255]
    return True
