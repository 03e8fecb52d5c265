"""What a backup holds, written beside it as `<name>.json`: when and from what it was made, the
schema revision, every table's row count and the audit log's fingerprint — all read in the same
snapshot as the copy itself — and the file's sha256 (its integrity check)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

FORMAT = 1
KEY_TABLES = ("withdrawal", "withdrawal_line", "stock_movement", "stock", "audit_log")
SUFFIXES = {"postgresql": ".pgdump", "sqlite": ".sqlite3"}
ENCRYPTED = ".enc"


@dataclass(frozen=True)
class AuditFigures:
    """The audit log as it stood: rows, highest id and a digest over every row's identity."""

    count: int
    max_id: int
    digest: str


@dataclass(frozen=True)
class Figures:
    """A database's contents in numbers: the yardstick a restore is checked against."""

    revision: str | None
    tables: dict[str, int]
    audit: AuditFigures


@dataclass(frozen=True)
class Manifest:
    file: str  # the backup file's name, beside this manifest
    created_at: str  # ISO 8601, UTC
    kind: str  # "postgresql" or "sqlite"
    figures: Figures
    sha256: str  # of the file as stored (encrypted or not)
    plain_sha256: str  # of the dump itself
    size: int
    encrypted: bool
    key_id: str | None  # crypto.key_id of the BACKUP_KEY that encrypted it
    app_version: str
    seconds: float  # how long the backup took
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


def base_name(kind: str, at: datetime) -> str:
    return f"backup-{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{kind}"


def write(manifest: Manifest, path: Path) -> None:
    """Written to a temporary name and renamed: a manifest on disk is always whole."""
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(asdict(manifest), indent=2, ensure_ascii=False) + "\n")
    os.replace(part, path)


def read(path: Path) -> Manifest:
    """The manifest at `path`; ValueError naming what is wrong when it cannot be read."""
    try:
        data = json.loads(path.read_text())
        figures = data.pop("figures")
        audit = AuditFigures(**figures.pop("audit"))
        manifest = Manifest(figures=Figures(audit=audit, **figures), **data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path.name}: unreadable manifest ({error})") from error
    if not manifest.file.startswith("backup-") or Path(manifest.file).name != manifest.file:
        raise ValueError(f"{path.name}: names {manifest.file!r}, not a backup beside it")
    return manifest


def revision_of(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _stamp(value: Any) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def audit_figures(conn: Connection) -> AuditFigures:
    """Every audit entry's id, time, action and subject hashed in id order: a restore that
    lost, added or changed an entry gives another digest."""
    digest, count, max_id = hashlib.sha256(), 0, 0
    rows = conn.execution_options(stream_results=True, yield_per=20_000).execute(
        text(
            "SELECT id, created_at, tenant_id, action, entity, entity_id FROM audit_log ORDER BY id"
        )
    )
    for row in rows:
        digest.update(f"{row[0]}|{_stamp(row[1])}|{row[2]}|{row[3]}|{row[4]}|{row[5]}\n".encode())
        count, max_id = count + 1, row[0]
    return AuditFigures(count=count, max_id=max_id, digest=digest.hexdigest())


def figures_of(conn: Connection) -> Figures:
    """Revision, row counts of every table and the audit figures, read on `conn` (whose
    transaction is the snapshot the numbers describe)."""
    quote = conn.dialect.identifier_preparer.quote
    names = sorted(n for n in inspect(conn).get_table_names() if n != "alembic_version")
    tables = {
        name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
        for name in names
    }
    audit = audit_figures(conn) if "audit_log" in tables else AuditFigures(0, 0, "")
    return Figures(revision=revision_of(conn), tables=tables, audit=audit)
