"""Retention on an injected clock: the BACKUP_KEEP newest backups stay, the newest good one
is never deleted even when newer ones are damaged, unfinished files go once a day old; and a
scheduled backup is due every BACKUP_EVERY_HOURS."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from app.backup.services import backup as service
from app.backup.services import store
from app.backup.services.backup import BackupConfig
from app.backup.services.manifest import base_name
from tests.backup.conftest import T0

pytestmark = pytest.mark.dialects("sqlite")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _names(config: BackupConfig) -> list[str]:
    return [b.name for b in store.backups(config.directory)[0]]


def test_the_newest_are_kept(engine: Engine, small_world, config: BackupConfig) -> None:
    made = [
        service.backup_and_prune(
            database_url=_url(engine), config=config, now=T0 + timedelta(hours=h)
        )
        for h in range(5)
    ]
    assert _names(config) == [b.name for b in reversed(made[2:])]
    assert not made[0].path.exists() and not made[0].manifest_path.exists()
    assert {p.name for p in config.directory.iterdir()} == {
        ".lock",
        *(n for b in made[2:] for n in (b.path.name, b.manifest_path.name)),
    }


def test_the_newest_good_backup_survives_damaged_newer_ones(
    engine: Engine, small_world, config: BackupConfig
) -> None:
    roomy = dataclasses.replace(config, keep=10)
    made = [
        service.make_backup(database_url=_url(engine), config=roomy, now=T0 + timedelta(hours=h))
        for h in range(5)
    ]
    for damaged in made[2:]:
        damaged.path.write_bytes(b"damaged")
    deleted = store.prune(
        config, T0 + timedelta(hours=5), lambda b: service.verify(b, config) is None
    )
    assert _names(config) == [b.name for b in reversed(made[1:])]  # 3 newest + the good one
    assert made[0].path in deleted


def test_unfinished_files_go_once_a_day_old(engine: Engine, small_world, config) -> None:
    service.backup_and_prune(database_url=_url(engine), config=config, now=T0)
    old = config.directory / f"{base_name('sqlite', T0 - timedelta(days=2))}.sqlite3.part"
    recent = config.directory / f"{base_name('sqlite', T0 - timedelta(hours=2))}.sqlite3"
    for path in (old, recent):
        path.write_bytes(b"half a copy")
    store.prune(config, T0, lambda b: True)
    assert not old.exists() and recent.exists()
    store.prune(config, T0 + timedelta(days=1), lambda b: True)
    assert not recent.exists() and len(_names(config)) == 1


def test_a_backup_is_due_every_n_hours(engine: Engine, small_world, config) -> None:
    daily = dataclasses.replace(config, every_hours=24)
    assert service.scheduled_backup(database_url=_url(engine), config=daily, now=T0) is not None
    later = T0 + timedelta(hours=23, minutes=59)
    assert service.scheduled_backup(database_url=_url(engine), config=daily, now=later) is None
    day = T0 + timedelta(hours=24)
    assert service.scheduled_backup(database_url=_url(engine), config=daily, now=day) is not None
    never = dataclasses.replace(config, every_hours=0)
    assert not store.due(never, T0 + timedelta(days=30))
    assert len(_names(config)) == 2


def test_one_backup_at_a_time(engine: Engine, small_world, config: BackupConfig) -> None:
    with store.exclusive(config.directory), pytest.raises(service.BackupBusy):
        service.backup_and_prune(database_url=_url(engine), config=config, now=T0)
