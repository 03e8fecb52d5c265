"""Several web workers (PROMETHEUS_MULTIPROC_DIR): any one's /metrics adds up every process's
counts, as docs/operations.md promises. Real processes, since prometheus_client reads the
directory when it is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core.config import REPO_ROOT

COUNT = "from app.metrics import observe; observe.login_failed('auth.bad_credentials')"
RENDER = "from app.metrics.exposition import render; print(render()[0].decode())"


def _python(code: str, directory: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_the_counts_of_every_worker_are_added_up(tmp_path: Path) -> None:
    for _ in range(2):
        _python(COUNT, tmp_path)
    served = _python(RENDER, tmp_path)
    assert 'cabinet_login_failures_total{reason="auth.bad_credentials"} 2.0' in served
    assert "cabinet_job_queue_depth" in served  # read live, beside the files
