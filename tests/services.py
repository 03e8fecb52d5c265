"""Real-service availability for tests.

Under CI=true a missing PostgreSQL, Redis, Mosquitto or Chromium FAILS the test that needs
it; on a developer machine such tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
MOSQUITTO_TEST_URL = os.environ.get("TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require(available: bool, what: str) -> None:
    """Fail under CI, skip elsewhere, when a real service the test needs is missing."""
    if available:
        return
    message = f"{what} is not available"
    if in_ci():
        pytest.fail(f"{message} (CI=true: tests on real services must run)", pytrace=False)
    pytest.skip(message)


def require_postgres() -> None:
    require(_reachable(POSTGRES_ADMIN_URL, 5432), f"PostgreSQL at {POSTGRES_ADMIN_URL}")


def require_redis() -> None:
    require(_reachable(REDIS_TEST_URL, 6379), f"Redis at {REDIS_TEST_URL}")


def require_mosquitto() -> None:
    require(_reachable(MOSQUITTO_TEST_URL, 1883), f"Mosquitto at {MOSQUITTO_TEST_URL}")


def require_chromium() -> None:
    require(
        os.path.exists(CHROMIUM_PATH) and shutil.which("node") is not None,
        f"Chromium at {CHROMIUM_PATH}",
    )
