"""Database engine and units of work.

Services take a Session and only flush; the outermost caller (event handler, route, job)
owns the transaction through `session_scope()` or `run_in_session()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session, create_engine

from app.core.announce import Announcement, publish_announcements, take_announcements
from app.core.config import get_settings
from app.core.errors import DomainError

T = TypeVar("T")


def _enable_sqlite_integrity(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys on, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_integrity)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DomainError as refused:
            if refused.keep_record:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise


async def run_in_session(
    fn: Callable[..., T], /, in_engine: Engine | None = None, **kwargs: Any
) -> T:
    """Run a sync service call in its own unit of work off the event loop; then publish the
    domain events it announced (app/core/announce.py)."""

    def _call() -> tuple[T, list[Announcement]]:
        with session_scope(in_engine) as session:
            result = fn(session=session, **kwargs)
        return result, take_announcements(session)  # reached only once committed

    result, announcements = await asyncio.to_thread(_call)
    if announcements:
        await publish_announcements(announcements)
    return result


TRANSIENT_ERRORS = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout, OSError)


def transient(error: BaseException) -> bool:
    """The database could not be reached or let go of us, which passes; as opposed to a value
    it refuses (out of range, a constraint), which is refused again on every try."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, TRANSIENT_ERRORS)
