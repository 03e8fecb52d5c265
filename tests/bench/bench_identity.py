"""Identity on real services: sign-in under concurrency and the 10k-person import.

Metrics:
- login_p50_ms / login_p95_ms: POST /api/auth/login (the route the sign-in form posts to) with
  20 clients signing in at once (login_p50_ms_1client: one client alone, for comparison),
  served by granian (the server Reflex runs in production) on
  PostgreSQL with the demo world; argon2id at the parameters in app/auth/services/passwords.py.
- login_server_cpu_ms / login_client_cpu_ms: CPU per sign-in of the server (all of its
  processes) and of this load generator during the 20-client run: the two share the 2 cores.
- import_10k_users_s: a 10,000-row XLSX through the import's own path on PostgreSQL: read the
  file, check every row, write people and their audit entries, commit.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
from openpyxl import Workbook
from sqlmodel import Session

from app.audit.services.records import Actor
from app.core import migrations
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.demo.services.catalogue import DEMO_PASSWORD
from app.demo.services.demo import demo_logins, seed_demo
from app.org.services import importer
from app.tenants.models import Tenant
from hardware.net import free_port
from tests.conftest import _create_pg_database, _drop_pg_database

CONCURRENT = 20
LOG_PATH = Path(tempfile.gettempdir()) / "bench-identity-api.log"
ROUNDS = 5


def _serve_api(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test"}
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "app.api:build_api",
    ]  # fmt: skip
    log = open(LOG_PATH, "wb")  # noqa: SIM115 - the server writes to it until terminated
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"granian did not start: {LOG_PATH.read_text()[-2000:]}")


async def _logins(url: str, clients: int = CONCURRENT) -> list[float]:
    names = [login.username for login in demo_logins()]
    samples: list[float] = []

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            for round_no in range(ROUNDS):
                body = {"login": names[(n + round_no) % len(names)], "password": DEMO_PASSWORD}
                started = time.perf_counter()
                response = await http.post("/api/auth/login", json=body)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text

    await asyncio.gather(*(client(n) for n in range(clients)))
    return samples


def _ten_thousand_rows() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "手机号", "邮箱", "部门", "工卡号"])
    for n in range(10_000):
        sheet.append(
            [f"B{n:06d}", f"员工{n}", f"137{n:08d}", f"b{n}@example.com", "研发中心", f"BC{n:08d}"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import_seconds(url: str) -> float:
    data = _ten_thousand_rows()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            tenant = session.exec(Tenant.__table__.select().where(Tenant.code == "TN-XY")).one()
            started = time.perf_counter()
            rows = importer.read_table("people.xlsx", data)
            plan = importer.commit_import(
                session=session,
                scope=TenantScope.single(tenant.id),
                tenant_id=tenant.id,
                rows=rows,
                actor=Actor(account_id=None, name="bench"),
            )
            session.commit()
            seconds = time.perf_counter() - started
            assert len(plan.creates) == 10_000 and not plan.errors
            return round(seconds, 2)
    finally:
        engine.dispose()


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (granian runs its worker as a child)."""
    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in (root, *root.children(recursive=True)))


def _percentile(samples: list[float], q: int) -> float:
    return round(statistics.quantiles(samples, n=100)[q - 1], 1)


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        engine = make_engine(url)
        with Session(engine) as session:
            seed_demo(session=session)
            session.commit()
        engine.dispose()
        port = free_port()
        server = _serve_api(url, port)
        try:
            alone = asyncio.run(_logins(f"http://127.0.0.1:{port}", clients=1)) + asyncio.run(
                _logins(f"http://127.0.0.1:{port}", clients=1)
            )
            server_cpu, client_cpu = _cpu_seconds(server.pid), sum(os.times()[:2])
            samples = asyncio.run(_logins(f"http://127.0.0.1:{port}"))
            server_cpu = _cpu_seconds(server.pid) - server_cpu
            client_cpu = sum(os.times()[:2]) - client_cpu  # this process only, not the server
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {
            "login_p50_ms": _percentile(samples, 50),
            "login_p95_ms": _percentile(samples, 95),
            "login_p50_ms_1client": _percentile(alone, 50),
            # where the CPU of the 20-client run went, per sign-in (both sides share 2 cores)
            "login_server_cpu_ms": round(1000 * server_cpu / len(samples), 1),
            "login_client_cpu_ms": round(1000 * client_cpu / len(samples), 1),
            "import_10k_users_s": _import_seconds(url),
        }
    finally:
        _drop_pg_database(name)
