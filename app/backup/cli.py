"""The operator's backup commands (`python -m app.cli backup|backups|restore`): thin wrappers
printing what app/backup/services/backup.py did; a refused or failed step exits non-zero."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from app.backup.services import backup as service
from app.backup.services.manifest import KEY_TABLES
from app.backup.services.store import backups as list_dir
from app.core.config import get_settings, normalize_database_url


def _config() -> service.BackupConfig:
    return service.BackupConfig.from_settings(get_settings())


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def backup(args: argparse.Namespace) -> int:
    config = _config()
    made = service.backup_and_prune(
        database_url=get_settings().database_url, config=config, now=datetime.now(UTC)
    )
    m = made.manifest
    print(f"Backup {made.path} ({m.kind}, {_mb(m.size)}, {m.seconds} s)")
    print(f"  revision {m.figures.revision}, encrypted: {'yes' if m.encrypted else 'no'}")
    for table in KEY_TABLES:
        print(f"  {table:<16} {m.figures.tables.get(table, 0):>12,}")
    kept, _ = list_dir(config.directory)
    print(f"  {len(kept)} backups kept in {config.directory} (BACKUP_KEEP={config.keep})")
    return 0


def backups(args: argparse.Namespace) -> int:
    config = _config()
    found, unreadable = list_dir(config.directory)
    print(f"{len(found)} backups in {config.directory}")
    bad = len(unreadable)
    for b in found:
        m = b.manifest
        problem = service.verify(b, config)
        bad += problem is not None
        print(
            f"{b.name:<46} {m.created:%Y-%m-%d %H:%M:%S}Z {_mb(m.size):>10} "
            f"{'enc' if m.encrypted else '   '} {m.figures.revision or '-':<24} "
            f"withdrawals {m.figures.tables.get('withdrawal', 0):>10,} "
            f"audit {m.figures.audit.count:>8,}  {problem or 'ok'}"
        )
    for problem in unreadable:
        print(f"unreadable: {problem}")
    return 1 if bad else 0


def restore(args: argparse.Namespace) -> int:
    target = normalize_database_url(args.to, "--to") if args.to else get_settings().database_url
    report = service.restore(
        backup=service.load(Path(args.file)),
        target_url=target,
        config=_config(),
        force=args.force,
        create=args.create,
        jobs=args.jobs,
    )
    m, f = report.backup.manifest, report.findings
    print(f"Restored {report.backup.path.name} into {report.target}")
    print("  seconds: " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
    print(f"  revision {f.figures.revision} (backup {m.figures.revision})", end="")
    print(f", upgraded to {report.upgraded_to}" if report.upgraded_to else "")
    for table in KEY_TABLES:
        print(
            f"  {table:<16} {f.figures.tables.get(table, 0):>12,} "
            f"(backup {m.figures.tables.get(table, 0):,})"
        )
    print(f"  tables compared: {len(m.figures.tables)}")
    print(f"  audit log: {f.figures.audit.count:,} entries, up to id {f.figures.audit.max_id}")
    print(f"  ledger mismatches: {f.ledger_mismatches}, totals mismatches: {f.totals_mismatches}")
    for problem in f.problems:
        print(f"  PROBLEM: {problem}")
    print("Restore checked: all figures match." if report.ok else "Restore has problems.")
    return 0 if report.ok else 1


def add_commands(
    commands: argparse._SubParsersAction,
) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Register backup, backups and restore on the app's CLI; their handlers by name."""
    commands.add_parser("backup", help="make a backup now (then retention)")
    commands.add_parser("backups", help="list the backups, each with its integrity check")
    parser = commands.add_parser("restore", help="restore a backup into a new database")
    parser.add_argument("file", help="a backup file or its .json manifest")
    parser.add_argument("--to", help="target DATABASE_URL (default: DATABASE_URL itself)")
    parser.add_argument("--force", action="store_true", help="restore into a non-empty database")
    parser.add_argument("--create", action="store_true", help="create the PostgreSQL database")
    parser.add_argument("--jobs", type=int, help="pg_restore parallel jobs (default: cores, ≤ 4)")
    return {"backup": backup, "backups": backups, "restore": restore}
