"""`make prod-local`: the production topology (app/ops/topology.py) as processes on this machine.

On the machine's PostgreSQL, Redis and Mosquitto (127.0.0.1:5432/6379/1883 unless DATABASE_URL,
REDIS_URL, MQTT_URL say otherwise), in a database of its own (`cabinet_prod_local`, created when
missing and migrated with `python -m app.cli prepare`) and a Redis database of its own (11): the
web on PORT (3000) with its two workers, two arq workers, two gateways. It waits for every health
endpoint, prints the table, forwards SIGINT/SIGTERM to every child and exits non-zero naming any
process that dies. `--check` (CI): start, check every endpoint and the web on its one port, stop
cleanly (the gateways' persistent MQTT sessions retired), exit 0.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.core.config import REPO_ROOT
from app.ops import topology
from app.ops.children import (
    Child,
    dead,
    fail_dead,
    print_table,
    resolve,
    start,
    stop_all,
    wait_healthy,
)
from app.ops.prod_check import check_all, retire_gateways

DATABASE = "cabinet_prod_local"
DEFAULTS = {
    "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": "redis://127.0.0.1:6379/11",  # its own Redis database: its own arq queue
    "MQTT_URL": "mqtt://127.0.0.1:1883",
}
# Not the deployment's `cc-gateway`: other gateways on this machine's broker keep their share
SHARE_GROUP = "cc-prod-local"
START_TIMEOUT_S = 240.0


class Stop(Exception):
    """A signal asked the supervisor to stop."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def base_env(data_dir: Path) -> dict[str, str]:
    """The environment every process shares (topology.SHARED_ENV), on this machine's services."""
    env = dict(os.environ)
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    env["APP_ENV"] = "production"
    env["DATA_DIR"] = str(data_dir)
    env.setdefault("SECRET_KEY", _local_secret(data_dir))
    env["PATH"] = f"{REPO_ROOT / '.tools/node_modules/.bin'}:{Path(sys.executable).parent}:"
    env["PATH"] += os.environ.get("PATH", "")
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    return env


def _local_secret(data_dir: Path) -> str:
    """A SECRET_KEY kept in the data dir: production requires one, this machine has none."""
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database `url` names when it is missing; True when created."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            return not exists
    finally:
        admin.dispose()


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    """The first SIGINT/SIGTERM stops everything; a second one must not cut that stop short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stop(signum)


def supervise(children: list[Child]) -> int:
    """Until a signal (forwarded to every child: 0) or a child dies (named: 1)."""
    try:
        while not dead(children):
            time.sleep(0.5)
    except Stop as stop:
        print(f"prod-local: {stop} received; forwarding it to every process")
        stop_all(children, stop.signum)
        return 0
    code = fail_dead(children)
    stop_all(children)
    return code


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m app.ops.prod_local", description=__doc__)
    parser.add_argument("--check", action="store_true", help="start, check, stop (CI)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / "data" / "prod-local")
    parser.add_argument("--timeout", type=float, default=START_TIMEOUT_S)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    env = base_env(args.data_dir.resolve())
    if ensure_database(env["DATABASE_URL"]):
        print(f"prod-local: created database {make_url(env['DATABASE_URL']).database}")
    subprocess.run(resolve(topology.PREPARE), cwd=REPO_ROOT, env=env, check=True)
    log_dir = args.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    planned = topology.processes(port=args.port, share_group=SHARE_GROUP)
    children: list[Child] = []
    try:
        children = [start(p, env, log_dir) for p in planned]
        if unhealthy := wait_healthy(children, args.timeout):
            names = ", ".join(c.process.name for c in unhealthy)
            print(f"prod-local: not healthy within {args.timeout:.0f} s: {names}")
            fail_dead(children)
            stop_all(children)
            return 1
        print(f"prod-local: every process healthy after {time.monotonic() - started:.0f} s")
        print_table(children)
        if not args.check:
            return supervise(children)
        problems = check_all(children, args.port)
        stop_all(children)
        problems += retire_gateways(children, env)
    except Stop as stop:
        stop_all(children, stop.signum)
        return 0
    for problem in problems:
        print(f"prod-local --check: {problem}")
    verdict = "FAILED" if problems else "passed"
    print(f"prod-local --check {verdict} in {time.monotonic() - started:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
