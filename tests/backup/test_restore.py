"""Restore: into a new database only (a non-empty one needs --force; a missing PostgreSQL one
--create), the same kind of database, a schema this code knows — and an older schema is
upgraded after the figures are checked. Passwords reach pg_restore by its environment."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.backup.services import backup as service
from app.backup.services import postgres
from app.backup.services.backup import Backup, BackupConfig, RestoreReport
from app.backup.services.checks import Findings, check_books, check_contents, compare
from app.backup.services.manifest import KEY_TABLES
from app.core import migrations
from app.core.append_only import trigger_names
from app.core.db import make_engine
from tests.backup.conftest import T0


def _backup(url: str, config: BackupConfig) -> Backup:
    return service.backup_and_prune(database_url=url, config=config, now=T0)


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _restored(
    engine: Engine, config: BackupConfig, target_url: str
) -> tuple[Backup, RestoreReport]:
    """A backup of `engine`'s database restored into a new one, every check passed."""
    made = _backup(_url(engine), config)
    report = service.restore(backup=made, target_url=target_url, config=config, create=True)
    assert report.ok, report.findings.problems
    return made, report


def test_a_non_empty_target_is_refused_unless_forced(
    engine: Engine, small_world, config: BackupConfig, target_url: str
) -> None:
    made, first = _restored(engine, config, target_url)
    assert first.upgraded_to is None
    with pytest.raises(service.BackupError, match=r"already has \d+ tables"):
        service.restore(backup=made, target_url=target_url, config=config)
    again = service.restore(backup=made, target_url=target_url, config=config, force=True)
    assert again.ok, again.findings.problems
    for table in KEY_TABLES:
        assert again.findings.figures.tables[table] == made.manifest.figures.tables[table]
    with pytest.raises(service.BackupError, match="already has"):
        service.restore(backup=made, target_url=_url(engine), config=config)  # the source


def test_another_kind_or_an_unknown_schema_is_refused(
    engine: Engine, small_world, config: BackupConfig, tmp_path: Path
) -> None:
    made = _backup(_url(engine), config)
    other = "postgresql+psycopg://u@db/x" if made.manifest.kind == "sqlite" else "sqlite:///x.db"
    with pytest.raises(service.BackupError, match="restores into"):
        service.restore(backup=made, target_url=other, config=config)
    newer = dataclasses.replace(
        made.manifest, figures=dataclasses.replace(made.manifest.figures, revision="0999_future")
    )
    sqlite = made.manifest.kind == "sqlite"
    fresh = f"sqlite:///{tmp_path / 'n.db'}" if sqlite else _url(engine) + "_never"
    with pytest.raises(service.BackupError, match="unknown to this code"):
        service.restore(
            backup=Backup(made.manifest_path, newer), target_url=fresh, config=config, create=True
        )


def test_the_checks_find_what_differs(
    engine: Engine, small_world, config: BackupConfig, target_url: str
) -> None:
    made, report = _restored(engine, config, target_url)
    restored = make_engine(target_url)
    try:
        with restored.begin() as conn:
            for sql in (
                "UPDATE withdrawal SET total_qty = total_qty + 1 WHERE id = "
                "(SELECT min(id) FROM withdrawal)",
                "UPDATE stock SET quantity = quantity + 5 WHERE id = (SELECT min(id) FROM stock)",
            ):
                conn.execute(text(sql))
        books = check_books(restored, Findings(figures=report.findings.figures))
        assert (books.ledger_mismatches, books.totals_mismatches) == (1, 1)
        assert [p.split(":")[0] for p in books.problems] == [
            "ledger",
            f"withdrawal {_first(restored)}",
        ]
        figures = made.manifest.figures
        other_digest = dataclasses.replace(figures.audit, digest="0" * 64)
        assert compare(dataclasses.replace(figures, audit=other_digest), figures) == [
            f"audit log: {figures.audit.count} entries up to id {figures.audit.max_id}, backup "
            f"{figures.audit.count} up to {figures.audit.max_id} (digest differs)"
        ]
        (guard, *_) = trigger_names("audit_log", restored.dialect.name)
        on = " ON audit_log" if restored.dialect.name == "postgresql" else ""
        with restored.begin() as conn:
            conn.execute(text(f"DROP TRIGGER {guard}{on}"))
        assert check_contents(restored, figures).problems == [
            f"trigger {guard} on audit_log is missing"
        ]
    finally:
        restored.dispose()


def _first(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT min(id) FROM withdrawal")).scalar_one()


@pytest.mark.dialects("postgresql")
def test_a_missing_database_is_created_only_when_asked(
    engine: Engine, small_world, config: BackupConfig, target_url: str
) -> None:
    made = _backup(_url(engine), config)
    with pytest.raises(service.BackupError, match="does not exist"):
        service.restore(backup=made, target_url=target_url, config=config)
    assert not postgres.database_exists(target_url)
    assert service.restore(backup=made, target_url=target_url, config=config, create=True).ok


def test_an_older_schema_is_checked_then_upgraded(
    empty_database_url: str, config: BackupConfig, target_url: str
) -> None:
    migrations.upgrade(empty_database_url, "0024_sso")
    made = _backup(empty_database_url, config)
    assert made.manifest.figures.revision == "0024_sso" != migrations.head()
    report = service.restore(backup=made, target_url=target_url, config=config, create=True)
    assert report.ok, report.findings.problems
    assert report.findings.figures.revision == "0024_sso"  # as restored, before the upgrade
    assert report.upgraded_to == migrations.head()
    engine = make_engine(target_url)
    try:
        with engine.connect() as conn:
            assert service.mf.revision_of(conn) == migrations.head()
    finally:
        engine.dispose()


def test_the_password_goes_by_environment_never_argv(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://backup:s3cr%40t@db.internal:6543/cabinet?sslmode=require"
    env = postgres.libpq_env(url)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "6543", "backup")
    assert (env["PGPASSWORD"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "s3cr@t",
        "cabinet",
        "require",
    )
    seen = []

    def run(argv, **kwargs):
        seen.append((argv, kwargs["env"]))
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(postgres.subprocess, "run", run)
    postgres.restore(Path("/backups/b.pgdump"), url, jobs=2)
    ((argv, passed),) = seen
    assert not any("s3cr" in arg for arg in argv) and passed["PGPASSWORD"] == "s3cr@t"
    assert "--dbname=cabinet" in argv and "--jobs=2" in argv and "--no-owner" in argv
