"""Backups of the app's database and their restore (no Reflex here: the CLI and the job call it).

make_backup: an online copy — PostgreSQL by `pg_dump --format=custom` in an exported snapshot,
SQLite by its backup API — with the manifest's figures read in that same snapshot, optionally
encrypted (BACKUP_KEY), then renamed into place; the manifest is written last.
verify / opened: the integrity check — size and sha256 as in the manifest, decrypts with the
key, and the dump reads (`pg_restore --list`; SQLite's integrity_check).
restore: into a database that is new or empty (else --force), then checked against the
manifest (app/backup/services/checks.py), upgraded to this code's schema when it is older.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.backup.services import crypto, postgres, sqlite
from app.backup.services import manifest as mf
from app.backup.services.checks import Findings, check_books, check_contents
from app.backup.services.store import (
    Backup,
    BackupBusy,
    BackupConfig,
    BackupError,
    app_version,
    due,
    ensure_directory,
    exclusive,
    load,
    prune,
)
from app.core import migrations
from app.core.db import make_engine

__all__ = ["Backup", "BackupBusy", "BackupConfig", "BackupError", "load"]


class IntegrityError(BackupError):
    """A backup failed its integrity check."""


def kind_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in mf.SUFFIXES:
        raise BackupError(f"cannot back up or restore a {backend!r} database")
    return backend


def _copy(url: str, kind: str, target: Path) -> mf.Figures:
    """The database copied to `target`; its figures, read in the copy's snapshot."""
    if kind == "postgresql":
        with (
            postgres.snapshot(url) as (conn, snapshot_id),
            postgres.dumping(url, target, snapshot_id),
        ):
            figures = mf.figures_of(conn)
        postgres.check_archive(target)
        return figures
    source = sqlite.path_of(url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    sqlite.copy(source, target)
    verdict = sqlite.integrity(target)
    if verdict != "ok":
        raise IntegrityError(f"the copy fails PRAGMA integrity_check: {verdict}")
    engine = sqlite.engine_for(target)
    try:
        with engine.connect() as conn:
            return mf.figures_of(conn)
    finally:
        engine.dispose()


def make_backup(*, database_url: str, config: BackupConfig, now: datetime) -> Backup:
    """One backup of the database now, in config.directory (not pruned: see `backup_and_prune`)."""
    kind, started = kind_of(database_url), time.monotonic()
    ensure_directory(config.directory)
    name = mf.base_name(kind, now)
    plain = config.directory / f"{name}{mf.SUFFIXES[kind]}"
    stored = plain.with_name(plain.name + (mf.ENCRYPTED if config.key else ""))
    parts = [plain.with_name(plain.name + ".part"), stored.with_name(stored.name + ".part")]
    try:
        figures = _copy(database_url, kind, parts[0])
        os.chmod(parts[0], 0o600)
        if config.key:
            plain_sha, sha = crypto.encrypt_file(parts[0], parts[1], config.key)
            os.chmod(parts[1], 0o600)
        else:
            plain_sha = sha = crypto.sha256_of(parts[0])
        os.replace(parts[1] if config.key else parts[0], stored)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
    manifest = mf.Manifest(
        file=stored.name,
        created_at=now.astimezone(UTC).isoformat(),
        kind=kind,
        figures=figures,
        sha256=sha,
        plain_sha256=plain_sha,
        size=stored.stat().st_size,
        encrypted=bool(config.key),
        key_id=crypto.key_id(config.key) if config.key else None,
        app_version=app_version(),
        seconds=round(time.monotonic() - started, 2),
    )
    manifest_path = config.directory / f"{name}.json"
    mf.write(manifest, manifest_path)
    return Backup(manifest_path, manifest)


def backup_and_prune(*, database_url: str, config: BackupConfig, now: datetime) -> Backup:
    """A backup, then retention, holding the directory's lock throughout."""
    with exclusive(config.directory):
        made = make_backup(database_url=database_url, config=config, now=now)
        prune(config, now, lambda b: verify(b, config) is None)
    return made


def scheduled_backup(*, database_url: str, config: BackupConfig, now: datetime) -> Backup | None:
    """The job's step: a backup when one is due (BACKUP_EVERY_HOURS), else nothing."""
    if not due(config, now):
        return None
    return backup_and_prune(database_url=database_url, config=config, now=now)


def _check_dump(kind: str, path: Path) -> None:
    try:
        if kind == "postgresql":
            postgres.check_archive(path)
            return
        verdict = sqlite.integrity(path)
    except (postgres.ToolError, sqlite3.DatabaseError, OSError) as error:
        raise IntegrityError(f"the dump does not read: {error}") from error
    if verdict != "ok":
        raise IntegrityError(f"the dump fails PRAGMA integrity_check: {verdict}")


def _decrypted(backup: Backup, key: str | None, into: Path) -> Path:
    m = backup.manifest
    if not key:
        raise IntegrityError(f"encrypted (key id {m.key_id}): set BACKUP_KEY to its key")
    if crypto.key_id(key) != m.key_id:
        raise IntegrityError(f"BACKUP_KEY is not the key it was encrypted with (id {m.key_id})")
    plain = into / backup.path.name.removesuffix(mf.ENCRYPTED)
    try:
        plain_sha = crypto.decrypt_file(backup.path, plain, key)
    except crypto.DecryptionError as error:
        raise IntegrityError(f"does not decrypt: {error}") from error
    if plain_sha != m.plain_sha256:
        raise IntegrityError("the decrypted dump's sha256 differs from the manifest's")
    return plain


@contextmanager
def opened(backup: Backup, config: BackupConfig) -> Iterator[Path]:
    """The backup's plain dump, once it passed the integrity check (decrypted into a temporary
    file that is removed afterwards); IntegrityError naming the first failure."""
    m, path = backup.manifest, backup.path
    if not path.exists():
        raise IntegrityError(f"{path.name} is missing")
    if path.stat().st_size != m.size:
        raise IntegrityError(f"{path.name} has {path.stat().st_size} bytes, manifest {m.size}")
    if crypto.sha256_of(path) != m.sha256:
        raise IntegrityError(f"{path.name}: sha256 differs from the manifest's (altered)")
    if not m.encrypted:
        _check_dump(m.kind, path)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="cabinet-restore-") as scratch:
        plain = _decrypted(backup, config.key, Path(scratch))
        _check_dump(m.kind, plain)
        yield plain


def verify(backup: Backup, config: BackupConfig) -> str | None:
    """None when the backup passes its integrity check, else what failed."""
    try:
        with opened(backup, config):
            return None
    except IntegrityError as error:
        return str(error)


@dataclass
class RestoreReport:
    backup: Backup
    target: str  # the target URL without its password
    findings: Findings
    upgraded_to: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.findings.ok


def _prepare_target(kind: str, url: str, *, force: bool, create: bool) -> None:
    """The target exists (created when asked) and is empty unless `force`."""
    if kind == "postgresql":
        if not postgres.database_exists(url):
            if not create:
                raise BackupError(f"database {make_url(url).database!r} does not exist (--create)")
            postgres.create_database(url)
        tables = postgres.user_tables(url)
    else:
        tables = sqlite.user_tables(sqlite.path_of(url))
    if tables and not force:
        raise BackupError(
            f"the target database already has {tables} tables: restore into a new database, "
            "or add --force to replace what the backup holds"
        )


def restore(
    *,
    backup: Backup,
    target_url: str,
    config: BackupConfig,
    force: bool = False,
    create: bool = False,
    jobs: int | None = None,
) -> RestoreReport:
    """Verify, restore into `target_url`, check against the manifest, upgrade if older."""
    m, kind, clock = backup.manifest, kind_of(target_url), time.monotonic()
    if kind != m.kind:
        raise BackupError(f"a {m.kind} backup restores into {m.kind} only, not {kind}")
    if m.figures.revision and not migrations.is_known(m.figures.revision):
        raise BackupError(f"made at schema {m.figures.revision}, unknown to this code (newer?)")
    _prepare_target(kind, target_url, force=force, create=create)
    seconds: dict[str, float] = {}
    with opened(backup, config) as dump:
        seconds["integrity"] = time.monotonic() - clock
        if kind == "postgresql":
            postgres.restore(dump, target_url, jobs or min(4, os.cpu_count() or 1))
        else:
            sqlite.restore(dump, sqlite.path_of(target_url))
    seconds["restore"] = time.monotonic() - clock - seconds["integrity"]
    engine, upgraded = make_engine(target_url), None
    try:
        findings = check_contents(engine, m.figures)
        head = migrations.head()
        if findings.figures.revision == m.figures.revision != head:
            migrations.upgrade(target_url)
            upgraded = head
        check_books(engine, findings)
    finally:
        engine.dispose()
    seconds["checks"] = time.monotonic() - clock - seconds["integrity"] - seconds["restore"]
    seconds["total"] = time.monotonic() - clock
    safe = make_url(target_url).render_as_string(hide_password=True)
    return RestoreReport(
        backup, safe, findings, upgraded, {k: round(v, 2) for k, v in seconds.items()}
    )
