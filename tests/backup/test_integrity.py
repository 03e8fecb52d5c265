"""A backup's integrity check: what the manifest says is what the database held in the copy's
snapshot; an altered, truncated, unreadable or wrongly keyed backup is refused — by `verify`
and by a restore, which then touches no database."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.backup.services import backup as service
from app.backup.services import manifest as mf
from app.backup.services import store
from app.backup.services.backup import Backup, BackupConfig
from app.withdrawals.models import Withdrawal, WithdrawalLine
from tests.backup.conftest import KEY, T0


def _backup(engine: Engine, config: BackupConfig) -> Backup:
    url = engine.url.render_as_string(hide_password=False)
    return service.backup_and_prune(database_url=url, config=config, now=T0)


def _rewrite(backup: Backup, **changes) -> Backup:
    """The manifest re-written with `changes` (as if the damage happened before it was made)."""
    manifest = dataclasses.replace(backup.manifest, **changes)
    mf.write(manifest, backup.manifest_path)
    return Backup(backup.manifest_path, manifest)


def test_the_manifest_holds_the_databases_figures(engine: Engine, small_world, config) -> None:
    made = _backup(engine, config)
    assert service.verify(made, config) is None
    m = made.manifest
    with Session(engine) as session:
        for model in (Withdrawal, WithdrawalLine, AuditLog):
            count = session.exec(select(func.count()).select_from(model)).one()
            assert m.figures.tables[model.__tablename__] == count > 0
    assert m.figures.audit.count == m.figures.tables["audit_log"]
    assert m.figures.revision is not None and m.kind == engine.dialect.name
    assert not m.encrypted and m.key_id is None and m.sha256 == m.plain_sha256
    assert made.path.stat().st_mode & 0o077 == 0  # the whole database: the owner's only
    assert service.load(made.path) == service.load(made.manifest_path) == made


@pytest.mark.parametrize("how", ["flip", "truncate"])
def test_an_altered_backup_is_refused(
    engine: Engine, small_world, config, target_url: str, how: str
) -> None:
    made = _backup(engine, config)
    data = bytearray(made.path.read_bytes())
    if how == "flip":
        data[len(data) // 2] ^= 0xFF
    else:
        del data[len(data) // 2 :]
    made.path.write_bytes(bytes(data))
    problem = service.verify(made, config)
    assert problem is not None and ("sha256" in problem or "bytes" in problem)
    with pytest.raises(service.IntegrityError):
        service.restore(backup=made, target_url=target_url, config=config, create=True)


def test_a_dump_that_does_not_read_is_refused(
    engine: Engine, small_world, config: BackupConfig
) -> None:
    made = _backup(engine, config)
    made.path.write_bytes(b"not a database dump at all" * 100)
    sha = service.crypto.sha256_of(made.path)
    made = _rewrite(made, sha256=sha, plain_sha256=sha, size=made.path.stat().st_size)
    assert "does not read" in (service.verify(made, config) or "")


@pytest.fixture
def keyed(tmp_path: Path) -> BackupConfig:
    return BackupConfig(directory=tmp_path / "sealed", keep=3, key=KEY)


def test_an_encrypted_backup_opens_with_its_key_only(
    engine: Engine, small_world, keyed: BackupConfig
) -> None:
    made = _backup(engine, keyed)
    sealed = made.path.read_bytes()
    assert made.path.name.endswith(".enc") and made.manifest.encrypted
    assert b"SQLite format 3" not in sealed and not sealed.startswith(b"PGDMP")
    assert service.verify(made, keyed) is None
    without = dataclasses.replace(keyed, key=None)
    assert "set BACKUP_KEY" in (service.verify(made, without) or "")
    wrong = dataclasses.replace(keyed, key="another-key-of-at-least-32-characters!!")
    assert "not the key" in (service.verify(made, wrong) or "")


def test_an_encrypted_backup_altered_with_its_sha_fixed_does_not_decrypt(
    engine: Engine, small_world, keyed: BackupConfig
) -> None:
    data = bytearray((made := _backup(engine, keyed)).path.read_bytes())
    data[-100] ^= 0x01
    made.path.write_bytes(bytes(data))
    made = _rewrite(made, sha256=service.crypto.sha256_of(made.path))
    assert "does not decrypt" in (service.verify(made, keyed) or "")


def test_a_backup_without_its_file_is_refused(engine: Engine, small_world, config) -> None:
    made = _backup(engine, config)
    made.path.unlink()
    assert "missing" in (service.verify(made, config) or "")
    later = service.make_backup(
        database_url=engine.url.render_as_string(hide_password=False),
        config=config,
        now=T0 + timedelta(hours=1),
    )
    later.manifest_path.unlink()  # a file whose manifest was never written: unfinished
    with pytest.raises(service.BackupError, match="no manifest"):
        service.load(later.path)


@pytest.mark.dialects("sqlite")
def test_a_manifest_naming_a_file_elsewhere_is_unreadable(
    engine: Engine, small_world, config: BackupConfig
) -> None:
    made = _rewrite(_backup(engine, config), file="../../cabinet.db")
    with pytest.raises(service.BackupError, match="not a backup beside it"):
        service.load(made.manifest_path)
    found, unreadable = store.backups(config.directory)
    assert found == [] and "not a backup beside it" in unreadable[0]  # and never pruned by it
