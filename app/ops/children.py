"""The processes `make prod-local` starts (app/ops/prod_local.py) and checks (prod_check.py):
starting one with its log, asking its health endpoint, telling the dead, stopping them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from app.core.config import REPO_ROOT
from app.ops.topology import Process


@dataclass
class Child:
    process: Process
    popen: subprocess.Popen
    log_path: Path


def resolve(command: tuple[str, ...]) -> list[str]:
    """The image's `python` / `reflex` as this venv's."""
    program = {"python": sys.executable, "reflex": str(Path(sys.executable).parent / "reflex")}
    return [program.get(command[0], command[0]), *command[1:]]


def start(process: Process, env: dict[str, str], log_dir: Path) -> Child:
    log_path = log_dir / f"{process.name}.log"
    with log_path.open("w") as log:
        popen = subprocess.Popen(
            resolve(process.command),
            cwd=REPO_ROOT,
            env={**env, **process.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a signal reaches its workers too
        )
    return Child(process, popen, log_path)


def dead(children: list[Child]) -> list[Child]:
    return [c for c in children if c.popen.poll() is not None]


def tail(path: Path, lines: int = 25) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def fail_dead(children: list[Child]) -> int:
    for child in dead(children):
        name, code = child.process.name, child.popen.returncode
        print(f"prod-local: {name} (pid {child.popen.pid}) exited with {code}; its log:")
        print(tail(child.log_path))
    return 1


def healthy(url: str) -> dict | None:
    try:
        reply = httpx.get(url, timeout=3)
    except httpx.HTTPError:
        return None
    return reply.json() if reply.status_code == 200 else None


def wait_healthy(children: list[Child], timeout_s: float) -> list[Child]:
    """Until every health endpoint answers 200; the children that are not healthy (or died)."""
    waiting = list(children)
    deadline = time.monotonic() + timeout_s
    while waiting and time.monotonic() < deadline and not dead(children):
        waiting = [c for c in waiting if healthy(c.process.health_url) is None]
        if waiting:
            time.sleep(1)
    return dead(children) or waiting


def web_workers(pid: int) -> list[int]:
    """The web's worker processes (granian's children of `reflex run`)."""
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def print_table(children: list[Child]) -> None:
    print(f"\n{'process':<12} {'pid':>8}  {'port':>5}  health")
    for child in children:
        p = child.process
        extra = ""
        if p.service == "web":
            extra = f"  (workers {', '.join(map(str, web_workers(child.popen.pid)))})"
        print(f"{p.name:<12} {child.popen.pid:>8}  {p.port:>5}  {p.health_url}{extra}")
    print(f"logs: {children[0].log_path.parent}\n", flush=True)


def stop_all(children: list[Child], signum: int = signal.SIGTERM, grace_s: float = 30) -> None:
    """`signum` to every child's process group, then SIGKILL to what outlives the grace."""
    for child in children:
        if child.popen.poll() is None:
            os.killpg(child.popen.pid, signum)
    deadline = time.monotonic() + grace_s
    for child in children:
        try:
            child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"prod-local: {child.process.name} outlived {grace_s:.0f} s: SIGKILL")
            os.killpg(child.popen.pid, signal.SIGKILL)
            child.popen.wait()
