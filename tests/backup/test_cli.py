"""`python -m app.cli backup | backups | restore`: the figures printed, exit 0 when all is well,
1 when a restored database differs from its manifest or a backup fails its check, 2 when
refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app import cli
from app.backup import cli as backup_cli
from app.backup.services import manifest as mf
from app.backup.services import store
from app.core.config import load_settings

pytestmark = pytest.mark.dialects("sqlite")


@pytest.fixture
def backup_dir(engine: Engine, small_world, tmp_path: Path, monkeypatch) -> Path:
    url = engine.url.render_as_string(hide_password=False)
    settings = load_settings({"DATA_DIR": str(tmp_path), "DATABASE_URL": url, "BACKUP_KEEP": "2"})
    monkeypatch.setattr(backup_cli, "get_settings", lambda: settings)
    return settings.backup_dir


def test_backup_list_and_restore(backup_dir: Path, tmp_path: Path, capsys) -> None:
    assert cli.main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "Backup " in out and "withdrawal " in out and "1 backups kept" in out
    assert cli.main(["backups"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("ok")
    (made,) = backup_dir.glob("backup-*.sqlite3")
    new = f"sqlite:///{tmp_path / 'new.db'}"
    assert cli.main(["restore", str(made), "--to", new]) == 0
    out = capsys.readouterr().out
    assert "ledger mismatches: 0, totals mismatches: 0" in out
    assert "all figures match" in out
    assert cli.main(["restore", str(made), "--to", new]) == 2
    assert "already has" in capsys.readouterr().err
    assert cli.main(["restore", str(made), "--to", "mysql://x/y"]) == 2
    assert "--to" in capsys.readouterr().err


def test_a_restore_that_differs_from_its_manifest_exits_1(
    backup_dir: Path, tmp_path: Path, capsys
) -> None:
    assert cli.main(["backup"]) == 0
    (made,) = store.backups(backup_dir)[0]
    m = made.manifest
    tables = {**m.figures.tables, "withdrawal": m.figures.tables["withdrawal"] + 1}
    mf.write(
        dataclasses.replace(m, figures=dataclasses.replace(m.figures, tables=tables)),
        made.manifest_path,
    )
    capsys.readouterr()
    assert (
        cli.main(["restore", str(made.manifest_path), "--to", f"sqlite:///{tmp_path / 'x.db'}"])
        == 1
    )
    assert "PROBLEM: table withdrawal" in capsys.readouterr().out
    made.path.write_bytes(b"damaged")
    assert cli.main(["backups"]) == 1
    assert "bytes, manifest" in capsys.readouterr().out
