"""Who may read /metrics, and that a worker's or gateway's METRICS_PORT serves the same text."""

from __future__ import annotations

import dataclasses
import urllib.request

import pytest
from starlette.testclient import TestClient

from app.api import build_api
from app.api import metrics as route
from app.core.config import get_settings
from app.metrics.exposition import serve_port

TOKEN = "t" * 32


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    configured = dataclasses.replace(get_settings(), metrics_token=TOKEN)
    monkeypatch.setattr(route, "get_settings", lambda: configured)
    return TOKEN


def _client(host: str) -> TestClient:
    return TestClient(build_api(), base_url="http://testserver", client=(host, 50000))


def test_a_remote_scraper_without_a_token_finds_nothing() -> None:
    response = _client("203.0.113.7").get("/metrics")
    assert response.status_code == 404 and "cabinet_" not in response.text


def test_a_local_scraper_reads_the_metrics() -> None:
    response = _client("127.0.0.1").get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE cabinet_device_messages_total counter" in response.text


def test_a_local_request_through_a_proxy_counts_as_remote() -> None:
    forwarded = {"X-Forwarded-For": "198.51.100.4"}
    assert _client("127.0.0.1").get("/metrics", headers=forwarded).status_code == 404


def test_with_a_token_set_a_remote_scraper_needs_it(token: str) -> None:
    remote = _client("203.0.113.7")
    assert remote.get("/metrics").status_code == 403
    wrong = {"Authorization": "Bearer " + "x" * 32}
    assert remote.get("/metrics", headers=wrong).status_code == 403
    served = remote.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert served.status_code == 200 and "cabinet_job_seconds" in served.text


def test_a_worker_serves_its_metrics_on_its_own_port() -> None:
    port = serve_port(0, addr="127.0.0.1")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert response.status == 200
    assert "# TYPE cabinet_login_failures_total counter" in text
