"""A Mosquitto of our own for a test or a benchmark: the repo's production settings
(hardware/mosquitto/conf.d, and a listener that binds client ids to user names as
hardware/mosquitto/README.md says) with credentials and ACLs written from the database, on a
free port beside the machine's default broker."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import Engine

from app.core.db import session_scope
from hardware.broker_access import GATEWAY_USERNAME
from hardware.gateway import BrokerConfig
from hardware.mosquitto_auth import unbound_listeners, write_auth_files
from hardware.net import free_port
from tests.services import require

CONF_D = Path(__file__).resolve().parents[2] / "hardware" / "mosquitto" / "conf.d"
GATEWAY_SECRET = "gateway-test-password"
GATEWAY_IDS = ("gw-a", "gw-b", "gw-killed", "gw-raw")  # the gateway processes it knows


@dataclass
class OwnMosquitto:
    port: int
    directory: Path
    process: subprocess.Popen
    gateway_ids: tuple[str, ...] = field(default=GATEWAY_IDS)

    @property
    def url(self) -> str:
        """MQTT_URL for a gateway process (which signs in as its own GATEWAY_ID's user)."""
        return f"mqtt://{GATEWAY_USERNAME}:{quote(GATEWAY_SECRET)}@127.0.0.1:{self.port}"

    def gateway_config(self, gateway_id: str = "gw-a", **overrides) -> BrokerConfig:
        assert gateway_id in self.gateway_ids, f"{gateway_id} is not in the password file"
        return BrokerConfig.for_gateway(self.url, gateway_id, **overrides)

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", self.port

    def grant(self, engine: Engine | None = None) -> None:
        """Rewrite passwords and ACL from the database and make the broker reload them."""
        with session_scope(engine) as session:
            write_auth_files(session, self.directory, GATEWAY_SECRET, self.gateway_ids)
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@contextmanager
def own_mosquitto(directory: Path, engine: Engine | None = None) -> Iterator[OwnMosquitto]:
    require(shutil.which("mosquitto") is not None, "the mosquitto binary")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with session_scope(engine) as session:
        write_auth_files(session, directory, GATEWAY_SECRET, GATEWAY_IDS)
    conf = directory / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\n"
        "use_username_as_clientid true\n"
        f"user {getpass.getuser()}\n"  # started as root it would switch to `mosquitto`
        f"persistence_location {directory}/\n"
        f"password_file {directory / 'passwords'}\n"
        f"acl_file {directory / 'acl'}\n"
        f"log_dest file {directory / 'mosquitto.log'}\n"
        f"include_dir {CONF_D}\n",
        encoding="utf-8",
    )
    assert unbound_listeners(conf.read_text(encoding="utf-8")) == []
    process = subprocess.Popen(
        ["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 10
    while not _listening(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"mosquitto did not start: {process.stderr.read().decode()[-500:]}")
        time.sleep(0.05)
    broker = OwnMosquitto(port, directory, process)
    try:
        yield broker
    finally:
        process = broker.process  # a drill may have started it again (tests/drills/site.py)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
