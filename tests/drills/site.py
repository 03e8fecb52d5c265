"""The production shape for a fault drill, as separate processes on real services: gateway
processes (`python -m hardware.runtime`) on a shared subscription of a Mosquitto running the
repo's settings, arq worker processes (`python -m app.jobs`) on a Redis of the drill's own,
all on PostgreSQL. Each process can be killed (SIGKILL: no goodbye) and started again, as a
supervisor (compose's `restart: always`, systemd) would; Redis and Mosquitto can be restarted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from app.core.config import get_settings
from hardware.broker_access import gateway_client_id
from hardware.net import free_port
from tests.hardware.own_broker import GATEWAY_SECRET, OwnMosquitto, _listening
from tests.services import require

REPO = Path(__file__).resolve().parents[2]
START_WITHIN_S = 60.0


def wait_for(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within_s:.0f} s")
        time.sleep(0.1)


@dataclass
class Process:
    """One process of the site, with its log; `start()` again after a kill is its restart."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    ready: Callable[[Process], bool]
    popen: subprocess.Popen | None = None
    starts: int = 0

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.env['HEALTH_PORT']}/health"

    def healthy(self) -> bool:
        """Its own health endpoint (app/core/health.py) answers 200."""
        try:
            with urllib.request.urlopen(self.health_url, timeout=5) as answer:
                return answer.status == 200
        except OSError:
            return False

    def start(self) -> None:
        self.starts += 1
        with self.log.open("ab") as out:
            out.write(f"\n==== start {self.starts} ====\n".encode())
            self.popen = subprocess.Popen(
                self.argv, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def wait_ready(self) -> None:
        def up() -> bool:
            if self.popen is not None and self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.tail()}")
            return self.ready(self)

        wait_for(up, START_WITHIN_S, f"{self.name} ready")

    def kill(self) -> None:
        """SIGKILL: no goodbye, transactions and acknowledgements outstanding."""
        assert self.popen is not None and self.popen.poll() is None, f"{self.name} is not running"
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, chars: int = 3000) -> str:
        return self.text()[-chars:]


@dataclass
class OwnRedis:
    """A redis-server of the drill's own (nothing persisted, as a cache/queue host often is)."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=(self.directory / "redis.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self._answers, 10, "redis-server")

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@contextmanager
def own_redis(directory: Path) -> Iterator[OwnRedis]:
    require(shutil.which("redis-server") is not None, "the redis-server binary")
    directory.mkdir(parents=True, exist_ok=True)
    server = OwnRedis(free_port(), directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def restart_mosquitto(broker: OwnMosquitto) -> None:
    """The broker (killed: no goodbye to anyone) started again on its port and settings."""
    broker.process.wait(10)
    broker.process = subprocess.Popen(
        ["mosquitto", "-c", str(broker.directory / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_for(lambda: _listening(broker.port), 10, "mosquitto back")


@dataclass
class Site:
    database_url: str
    redis: OwnRedis
    broker: OwnMosquitto
    directory: Path
    gateways: dict[str, Process] = field(default_factory=dict)
    workers: dict[str, Process] = field(default_factory=dict)

    def _env(self, **extra: str) -> dict[str, str]:
        return os.environ | {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "MQTT_URL": self.broker.url,
            "SECRET_KEY": get_settings().secret_key,
            "DATA_DIR": str(self.directory / "data"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "HEALTH_PORT": str(free_port()),
            **extra,
        }

    def add_gateway(self, gateway_id: str) -> Process:
        client_id = gateway_client_id(gateway_id, GATEWAY_SECRET)
        process = Process(
            f"gateway {gateway_id}",
            [sys.executable, "-m", "hardware.runtime"],
            self._env(GATEWAY_ID=gateway_id),
            self.directory / f"gateway-{gateway_id}.log",
            # ready once this start has subscribed (a restart's log holds the earlier ones)
            lambda p, c=client_id: p.text().count(f"gateway {c} subscribed") >= p.starts,
        )
        self.gateways[gateway_id] = process
        return process

    def add_worker(self, name: str) -> Process:
        process = Process(
            f"worker {name}",
            [sys.executable, "-m", "app.jobs"],
            self._env(),
            self.directory / f"worker-{name}.log",
            lambda p: self._worker_up(),
        )
        self.workers[name] = process
        return process

    def _worker_up(self) -> bool:
        """arq writes its health check when a worker starts: cleared before each start."""
        try:
            return bool(redis.Redis.from_url(self.redis.url).exists("arq:queue:health-check"))
        except redis.RedisError:
            return False

    def start(self, process: Process) -> None:
        if process in self.workers.values():
            redis.Redis.from_url(self.redis.url).delete("arq:queue:health-check")
        process.start()
        process.wait_ready()

    def revive_dead(self) -> list[str]:
        """What a supervisor does (compose's `restart: always`): start again what died."""
        dead = [p for p in self.processes() if not p.alive()]
        for process in dead:
            self.start(process)
        return [p.name for p in dead]

    def unhealthy(self) -> list[str]:
        return [p.name for p in self.processes() if not p.healthy()]

    def processes(self) -> list[Process]:
        return [*self.gateways.values(), *self.workers.values()]

    def logs(self) -> str:
        return "\n".join(f"---- {p.name}\n{p.tail(1500)}" for p in self.processes())


@contextmanager
def running_site(
    database_url: str, broker: OwnMosquitto, directory: Path, gateways: int = 2, workers: int = 2
) -> Iterator[Site]:
    """The site's processes started and ready (2 gateways gw-a/gw-b, 2 workers by default)."""
    with ExitStack() as stack:
        own = stack.enter_context(own_redis(directory / "redis"))
        site = Site(database_url, own, broker, directory)
        stack.callback(lambda: [p.stop() for p in site.processes()])
        for gateway_id in ("gw-a", "gw-b")[:gateways]:
            site.start(site.add_gateway(gateway_id))
        for n in range(workers):
            site.start(site.add_worker(f"w{n + 1}"))
        yield site
