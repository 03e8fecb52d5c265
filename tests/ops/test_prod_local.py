"""`make prod-local`: the supervisor names a process that dies and forwards a stop to every
child; `make prod-local ARGS=--check` runs the whole topology on the machine's PostgreSQL, Redis
and Mosquitto (CI=true: fails when one is down) and stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from app.core.config import REPO_ROOT, port_is_free
from app.ops import prod_local, topology
from app.ops.children import Child, stop_all
from tests.services import require_mosquitto, require_postgres, require_redis


def _child(tmp_path: Path, name: str, code: str) -> Child:
    process = topology.Process(name, "worker", ("python", "-c", code), {}, 0, "")
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        popen = subprocess.Popen(
            [sys.executable, "-c", code], stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return Child(process, popen, log)


def test_a_process_that_dies_is_named_and_the_others_are_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lasting = _child(tmp_path, "worker-1", "import time; time.sleep(60)")
    dying = _child(tmp_path, "worker-2", "print('no redis'); raise SystemExit(3)")
    assert prod_local.supervise([lasting, dying]) == 1
    out = capsys.readouterr().out
    assert "worker-2" in out and "exited with 3" in out and "no redis" in out
    assert lasting.popen.returncode == -signal.SIGTERM


def test_a_stop_signal_reaches_every_child_and_its_own_children(tmp_path: Path) -> None:
    # a child that starts a grandchild, as `reflex run` starts its granian workers
    sleep = "import time; time.sleep(60)"
    code = f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {sleep!r}]); {sleep}"
    parent = _child(tmp_path, "web", code)
    for _ in range(50):
        grandchildren = psutil.Process(parent.popen.pid).children()
        if grandchildren:
            break
        psutil.wait_procs([], timeout=0.1)
    stop_all([parent], signal.SIGINT)
    assert parent.popen.returncode is not None
    _gone, alive = psutil.wait_procs(grandchildren, timeout=5)
    assert alive == []


def _free_block(size: int) -> int:
    for start in range(38100, 39000, size):
        if all(port_is_free(p) for p in range(start, start + size)):
            return start
    raise AssertionError("no block of free ports")


@pytest.mark.timeout(300)
def test_prod_local_check_runs_the_topology_on_the_real_services(tmp_path: Path) -> None:
    require_postgres()
    require_redis()
    require_mosquitto()
    planned = len(topology.processes(port=0))
    port = _free_block(planned)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {"PORT": str(port)}
    done = subprocess.run(
        ["make", "prod-local", f"ARGS=--check --data-dir {tmp_path}"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "prod-local --check passed" in out
    for process in topology.processes(port=port):
        assert process.health_url in out, process.name
    assert all(port_is_free(p) for p in range(port, port + planned)), "a process outlived --check"
