"""What `make prod-local ARGS=--check` verifies once every process is up, and how it leaves the
machine's broker: each problem is a sentence naming the process, an empty list is a pass."""

from __future__ import annotations

import subprocess

import httpx

from app.core.config import REPO_ROOT
from app.ops import topology
from app.ops.children import Child, healthy, resolve, web_workers

# Fresh connections to /api/health: enough that both web workers are usually seen answering
ASKS = 24


def check_process(child: Child) -> list[str]:
    """Its health endpoint answers 200 and says it is the process we started."""
    p = child.process
    body = healthy(p.health_url)
    if body is None:
        return [f"{p.name}: {p.health_url} does not answer 200"]
    problems = []
    if body.get("process") != p.service:
        problems.append(f"{p.name}: its health says it is {body.get('process')!r}")
    if p.service == "gateway" and body.get("gateway_id") != p.env["GATEWAY_ID"]:
        problems.append(f"{p.name}: answers as gateway {body.get('gateway_id')!r}")
    return problems


def check_web(child: Child, port: int) -> list[str]:
    """The one port serves the compiled frontend, Reflex's endpoints and our API, from the
    expected number of workers."""
    base = f"http://127.0.0.1:{port}"
    problems = []
    page = httpx.get(f"{base}/", timeout=10)
    if page.status_code != 200 or "<html" not in page.text.lower():
        problems.append(f"web: GET / answered {page.status_code}, not the app's page")
    if httpx.get(f"{base}/ping", timeout=5).status_code != 200:
        problems.append("web: GET /ping does not answer 200")
    reflex_health = httpx.get(f"{base}/_health", timeout=5).json()
    if reflex_health.get("redis") is not True:
        problems.append(f"web: Reflex's /_health says {reflex_health} (Redis state manager?)")
    workers = set(web_workers(child.popen.pid))
    if len(workers) != topology.WEB_WORKERS:
        problems.append(f"web: {len(workers)} worker processes, not {topology.WEB_WORKERS}")
    answered = set()
    for _ in range(ASKS):
        with httpx.Client() as fresh:  # a new connection each time: any worker may take it
            answered.add(fresh.get(f"{base}/api/health", timeout=5).json().get("pid"))
    if not answered <= workers:
        problems.append(f"web: /api/health answered from {answered}, not from {workers}")
    print(f"web: /api/health answered by worker pids {sorted(answered)} of {sorted(workers)}")
    return problems


def check_all(children: list[Child], port: int) -> list[str]:
    problems: list[str] = []
    for child in children:
        problems += check_process(child)
        if child.process.service == "web":
            problems += check_web(child, port)
    for child in children:
        if child.popen.poll() is not None:
            problems.append(f"{child.process.name}: exited with {child.popen.returncode}")
    return problems


def retire_gateways(children: list[Child], env: dict[str, str]) -> list[str]:
    """A check's gateways will not come back: their persistent sessions are ended on the broker
    (`--retire`), so it queues nothing for them afterwards (docs/operations.md "Retiring a
    gateway")."""
    problems = []
    for child in children:
        if child.process.service != "gateway":
            continue
        retired = subprocess.run(
            [*resolve(child.process.command), "--retire"],
            cwd=REPO_ROOT,
            env={**env, **child.process.env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        if retired.returncode != 0:
            problems.append(f"{child.process.name}: --retire exited {retired.returncode}")
    return problems
