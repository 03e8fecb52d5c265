"""The backup directory: each backup a file and its manifest (`<name>.json`, written last, so a
backup without one was never finished), one backup at a time (a lock file), and retention —
the BACKUP_KEEP newest are kept, never losing the newest one that passes its check."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.backup.services import manifest as mf
from app.core.config import Settings

STALE = timedelta(days=1)  # an unfinished file this old is left over from a crash
_STAMP = re.compile(r"^backup-(\d{8}T\d{12})Z-")


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why and what to do."""


class BackupBusy(BackupError):
    """Another backup is being made in the same directory."""


@dataclass(frozen=True)
class BackupConfig:
    directory: Path
    keep: int = 14
    key: str | None = None
    every_hours: int = 24

    @classmethod
    def from_settings(cls, settings: Settings) -> BackupConfig:
        return cls(
            directory=settings.backup_dir,
            keep=settings.backup_keep,
            key=settings.backup_key,
            every_hours=settings.backup_every_hours,
        )


@dataclass(frozen=True)
class Backup:
    manifest_path: Path
    manifest: mf.Manifest

    @property
    def path(self) -> Path:
        return self.manifest_path.with_name(self.manifest.file)

    @property
    def name(self) -> str:
        return self.manifest_path.stem


def ensure_directory(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)


@contextmanager
def exclusive(directory: Path) -> Iterator[None]:
    """One backup at a time in `directory` (the job and `make backup` may meet)."""
    ensure_directory(directory)
    with (directory / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as busy:
            raise BackupBusy(f"another backup is being made in {directory}") from busy
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load(path: Path) -> Backup:
    """The backup a manifest or a backup file names (its manifest beside it)."""
    manifest_path = path if path.suffix == ".json" else _manifest_beside(path)
    if not manifest_path.exists():
        raise BackupError(f"{path}: no manifest {manifest_path.name} beside it (unfinished?)")
    try:
        return Backup(manifest_path, mf.read(manifest_path))
    except ValueError as error:
        raise BackupError(str(error)) from error


def _manifest_beside(path: Path) -> Path:
    match = re.match(r"^(backup-.+?-(?:postgresql|sqlite))\.", path.name)
    return path.with_name(f"{match.group(1) if match else path.stem}.json")


def backups(directory: Path) -> tuple[list[Backup], list[str]]:
    """Every finished backup, newest first, and the manifests that could not be read."""
    found, unreadable = [], []
    for path in sorted(directory.glob("backup-*.json")) if directory.exists() else []:
        try:
            found.append(Backup(path, mf.read(path)))
        except ValueError as error:
            unreadable.append(str(error))
    found.sort(key=lambda b: b.manifest.created, reverse=True)
    return found, unreadable


def due(config: BackupConfig, now: datetime) -> bool:
    """A scheduled backup is due when the newest is every_hours old, or there is none."""
    if config.every_hours <= 0:
        return False
    found, _ = backups(config.directory)
    return not found or now - found[0].manifest.created >= timedelta(hours=config.every_hours)


def _stamp(name: str) -> datetime | None:
    match = _STAMP.match(name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def _leftovers(directory: Path, now: datetime, finished: set[str]) -> list[Path]:
    """Files of backups never finished (no manifest), once older than STALE by their name."""
    stale = []
    for path in directory.glob("backup-*"):
        made = _stamp(path.name)
        if path.name in finished or made is None or now - made < STALE:
            continue
        stale.append(path)
    return stale


def prune(config: BackupConfig, now: datetime, is_good: Callable[[Backup], bool]) -> list[Path]:
    """Delete all but the `keep` newest backups — keeping, besides, the newest one `is_good`
    accepts when none of those does — and unfinished files a day old. The paths deleted."""
    found, _ = backups(config.directory)
    kept = found[: config.keep]
    if not any(is_good(b) for b in kept):
        kept += next(([b] for b in found[config.keep :] if is_good(b)), [])
    finished = {name for b in kept for name in (b.manifest_path.name, b.manifest.file)}
    doomed = [p for b in found if b not in kept for p in (b.path, b.manifest_path)]
    doomed += _leftovers(config.directory, now, finished | {p.name for p in doomed})
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def app_version() -> str:
    """The code's git commit when it runs from a checkout, else APP_VERSION (an image's)."""
    from app.core.config import REPO_ROOT

    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is not None and done.returncode == 0:
        return done.stdout.strip()
    return os.environ.get("APP_VERSION", "unknown")
