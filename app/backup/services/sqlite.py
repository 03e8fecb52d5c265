"""SQLite copies with SQLite's online backup API: a consistent copy while the app writes (WAL:
the copy reads one snapshot, writers carry on), checked with PRAGMA integrity_check."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool


def path_of(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError(f"{url!r} names no database file")
    return Path(database)


def _read_only(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def copy(source: Path, target: Path) -> None:
    """The whole database in one step of the backup API (one read snapshot, so writers
    committing meanwhile neither restart nor tear it), as one self-contained file."""
    with (
        closing(sqlite3.connect(source, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # no -wal file beside the copy


def integrity(path: Path) -> str:
    """'ok', or what PRAGMA integrity_check found (its first lines)."""
    with closing(sqlite3.connect(_read_only(path), uri=True)) as conn:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    return "ok" if rows == ["ok"] else "; ".join(rows)


def restore(copy_path: Path, target: Path) -> None:
    """The copy's contents into `target` (created if absent, replaced whole if not)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(copy_path)) as src,
        closing(sqlite3.connect(target, timeout=30)) as dst,
    ):
        src.backup(dst)


def user_tables(target: Path) -> int:
    if not target.exists() or target.stat().st_size == 0:
        return 0
    with closing(sqlite3.connect(_read_only(target), uri=True)) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        )


def engine_for(path: Path) -> Engine:
    """A plain engine on a file (read the figures of a copy; no app pragmas needed)."""
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)
