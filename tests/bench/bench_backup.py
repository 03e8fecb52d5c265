"""Backup and restore of a database holding 1,000,000 withdrawals on PostgreSQL.

The report benchmark's world (tests/bench/report_world.py: one tenant, 1,000,000 withdrawals
with 2.5 lines each, generated in SQL). Both figures go through the commands' own paths:

- backup_s_1m: `make backup`'s `backup_and_prune` — pg_dump --format=custom in an exported
  snapshot while the manifest's figures (every table's rows, the audit digest) are read in it,
  sha256, then retention, which runs the integrity check (sha256, pg_restore --list) on it.
- restore_s_1m: `make restore … ARGS=--create`'s `restore` into a new database — the integrity
  check, pg_restore --jobs (cores, at most 4), then the checks: every table's rows and the audit
  log against the manifest, the append-only triggers, the stock ledger reconciliation and every
  withdrawal's totals against its lines (reconciliation included).

Also: the dump's size, and the time BACKUP_KEY adds (encrypting and decrypting that dump).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.backup.services import backup as service
from app.backup.services import crypto
from app.backup.services.backup import BackupConfig
from app.core import migrations
from tests.bench import report_world
from tests.conftest import _create_pg_database, _drop_pg_database

WITHDRAWALS = 1_000_000
KEY = "bench-backup-key-of-at-least-32-characters"


def _timed(fn, *args, **kwargs):
    started = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - started


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    target_name = f"{name}_restored"
    target = url.rsplit("/", 1)[0] + f"/{target_name}"
    directory = Path(tempfile.mkdtemp(prefix="cabinet-bench-backup-"))
    try:
        migrations.upgrade(url)
        _, built = _timed(
            report_world.build, url, int(WITHDRAWALS * report_world.LINES_PER_WITHDRAWAL)
        )
        print(f"  {WITHDRAWALS:,} withdrawals generated in {built:.0f}s")
        config = BackupConfig(directory=directory, keep=2)
        made, backup_s = _timed(
            service.backup_and_prune, database_url=url, config=config, now=datetime.now(UTC)
        )
        m = made.manifest
        print(
            f"  backup {backup_s:.1f}s (dump and figures {m.seconds}s), {m.size / 1e6:.0f} MB, "
            f"{m.figures.tables['withdrawal']:,} withdrawals, "
            f"{m.figures.tables['withdrawal_line']:,} lines"
        )
        report, restore_s = _timed(
            service.restore, backup=made, target_url=target, config=config, create=True
        )
        assert report.ok, report.findings.problems
        print(f"  restore {restore_s:.1f}s: {report.seconds}")
        sealed, plain = directory / "sealed", directory / "plain"
        _, encrypt_s = _timed(crypto.encrypt_file, made.path, sealed, KEY)
        _, decrypt_s = _timed(crypto.decrypt_file, sealed, plain, KEY)
        print(f"  BACKUP_KEY adds: encrypt {encrypt_s:.1f}s, decrypt {decrypt_s:.1f}s")
        return {
            "backup_s_1m": round(backup_s, 1),
            "restore_s_1m": round(restore_s, 1),
            "backup_mb_1m": round(m.size / 1e6, 1),
            "restore_pg_restore_s_1m": round(report.seconds["restore"], 1),
            "restore_checks_s_1m": round(report.seconds["checks"], 1),
            "backup_encrypt_s_1m": round(encrypt_s, 1),
            "backup_decrypt_s_1m": round(decrypt_s, 1),
        }
    finally:
        _drop_pg_database(target_name)
        _drop_pg_database(name)
        shutil.rmtree(directory, ignore_errors=True)
