"""Each request carries an id (the client's, if sane, else a new one), echoed in the response
and written on the JSON log lines made while serving it; open websockets are counted."""

from __future__ import annotations

import json
import logging

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from app.api import build_api
from app.api.observe import RequestContext
from app.api.security import EdgeGuard
from app.core import logs
from tests.metrics.conftest import sample


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def _served() -> TestClient:
    edge = EdgeGuard(build_api(), lambda: [])
    return TestClient(RequestContext(edge), base_url="http://testserver")


def test_the_request_id_is_echoed_and_on_the_json_log_lines() -> None:
    logs.stamp_context()
    lines = _Lines()
    security = logging.getLogger("app.api.security")
    security.addHandler(lines)
    try:
        response = _served().post(
            "/api/auth/login",
            json={},
            headers={"X-Request-ID": "req-0001-abcd", "Origin": "https://evil.example"},
        )
    finally:
        security.removeHandler(lines)
    assert response.status_code == 403
    assert response.headers["x-request-id"] == "req-0001-abcd"
    refused = [line for line in lines.lines if "refused" in line["message"]]
    assert refused and refused[0]["request_id"] == "req-0001-abcd"
    assert {"time", "level", "logger", "message"} <= refused[0].keys()
    assert refused[0]["logger"] == "app.api.security" and refused[0]["level"] == "WARNING"


def test_an_unusable_request_id_is_replaced_by_a_new_one() -> None:
    client = _served()
    response = client.get("/metrics", headers={"X-Request-ID": "bad id\twith spaces"})
    given = response.headers["x-request-id"]
    assert given != "bad id\twith spaces" and len(given) == 16
    assert client.get("/metrics").headers["x-request-id"] != given  # one per request


def test_json_lines_carry_the_bound_context_and_stay_masked() -> None:
    logs.install("text")  # masking, as every process installs it
    logs.stamp_context()
    lines = _Lines()
    logger = logging.getLogger("tests.metrics.json")
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    try:
        with logs.bound(tenant_id=7, cabinet_id=42):
            logger.info("called back %s", "13812345678")
        logger.info("outside")
    finally:
        logger.removeHandler(lines)
    inside, outside = lines.lines
    assert (inside["tenant_id"], inside["cabinet_id"]) == (7, 42)
    assert "13812345678" not in inside["message"] and "138****5678" in inside["message"]
    assert "tenant_id" not in outside and "cabinet_id" not in outside


def test_open_websockets_are_counted_while_open() -> None:
    async def echo(socket: WebSocket) -> None:
        await socket.accept()
        async for text in socket.iter_text():  # until the client leaves
            await socket.send_text(text)

    client = TestClient(RequestContext(Starlette(routes=[WebSocketRoute("/_event", echo)])))
    before = sample("cabinet_websocket_clients")
    with client.websocket_connect("/_event") as socket:
        socket.send_text("hello")
        assert socket.receive_text() == "hello"
        assert sample("cabinet_websocket_clients") == before + 1
    assert sample("cabinet_websocket_clients") == before


def test_requests_are_counted_by_area_and_status_class() -> None:
    before = sample("cabinet_http_requests_total", area="metrics", status="4xx")
    response = TestClient(RequestContext(build_api()), client=("203.0.113.9", 1)).get("/metrics")
    assert response.status_code == 404
    assert sample("cabinet_http_requests_total", area="metrics", status="4xx") == before + 1
