"""The arq worker entry point knows every job and refuses to start without Redis."""

from __future__ import annotations

import os
import subprocess
import sys

from app.core.config import REPO_ROOT
from app.core.jobs import JOBS
from app.jobs import WorkerSettings


def test_worker_settings_list_every_registered_production_job() -> None:
    names = {f.__name__ for f in WorkerSettings.functions}
    assert "reconcile_stock" in names
    assert names <= set(JOBS)


def test_worker_without_redis_url_explains_that_none_is_needed() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "app.jobs"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "REDIS_URL is not set" in result.stdout
