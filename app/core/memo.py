"""A unit of work's memo of rows loaded once for a whole batch of work (the door closes of one
job: app/withdrawals/services/prefetch.py), so that the per-item code reads them instead of querying
between its changes — which lets the ORM's flush write every change of the batch together.

Each domain keeps its own entry (its own key, its own reader) and falls back to its query when
there is no batch or the batch did not load what it asks for. The memo lives on the session
only while the batch runs: never across a commit (row locks and snapshots end there)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

_KEY = "batch_memo"


@contextmanager
def batch_memo(session: Session) -> Iterator[dict[str, Any]]:
    """The memo for the work inside the block (an enclosing batch's, if there is one)."""
    if _KEY in session.info:
        yield session.info[_KEY]
        return
    memo: dict[str, Any] = {}
    session.info[_KEY] = memo
    try:
        yield memo
    finally:
        session.info.pop(_KEY, None)


def memo_of(session: Session, key: str) -> Any:
    """What the running batch keeps under `key`; None outside a batch or when not loaded."""
    return session.info.get(_KEY, {}).get(key)


def remember(session: Session, key: str, value: Any) -> None:
    """Keep `value` under `key` for the running batch (nothing outside a batch)."""
    if _KEY in session.info:
        session.info[_KEY][key] = value


def in_batch(session: Session) -> bool:
    """Whether a batch is running: its changes are flushed together, when it ends (or when a
    query or a savepoint needs them), rather than by each step."""
    return _KEY in session.info
