"""The `backup_database` job: every 10 minutes in-process and on the arq worker (long timeout,
no retry storm); it makes a backup when one is due, else nothing, and skips while one is made."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app import jobs
from app.backup.services import store
from app.core.config import load_settings

pytestmark = pytest.mark.dialects("sqlite")


def test_the_job_is_scheduled() -> None:
    every = {fn.__name__: seconds for fn, seconds in jobs.IN_PROCESS_SCHEDULE}
    assert every["backup_database"] == 600.0
    crons = {c.coroutine.__name__: c for c in jobs.WorkerSettings.cron_jobs}
    assert crons["backup_database"].minute == {4, 14, 24, 34, 44, 54}
    assert crons["backup_database"].timeout_s >= 3600 and crons["backup_database"].max_tries == 1


async def test_a_backup_when_due_then_none(
    engine: Engine, small_world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    settings = load_settings({"DATA_DIR": str(tmp_path), "DATABASE_URL": url})
    monkeypatch.setattr(jobs, "get_settings", lambda: settings)
    made = await jobs.backup_database({})
    assert made.startswith("backup-") and (settings.backup_dir / made).exists()
    assert await jobs.backup_database({}) == "not due"  # BACKUP_EVERY_HOURS=24 by default
    (settings.backup_dir / made).with_suffix("").with_suffix(".json").unlink()
    with store.exclusive(settings.backup_dir):
        assert await jobs.backup_database({}) == "busy"
