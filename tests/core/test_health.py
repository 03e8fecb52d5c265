"""A worker's or gateway's own health endpoint (app/core/health.py): 200 while its check passes,
503 when it fails or raises, 404 elsewhere; nothing listens without HEALTH_PORT."""

from __future__ import annotations

import httpx
import pytest

from app.core.health import health_port, serve_health
from hardware.net import free_port


async def _ask(check, path: str = "/health") -> httpx.Response:
    port = free_port()
    server = await serve_health("worker", check, port)
    try:
        async with httpx.AsyncClient() as client:
            return await client.get(f"http://127.0.0.1:{port}{path}", timeout=5)
    finally:
        server.close()
        await server.wait_closed()


async def test_a_passing_check_answers_200_naming_the_process() -> None:
    async def fine() -> dict[str, object]:
        return {"ok": True, "redis": True}

    reply = await _ask(fine)
    assert reply.status_code == 200
    assert reply.json()["process"] == "worker" and reply.json()["redis"] is True


async def test_a_failing_or_raising_check_answers_503() -> None:
    async def down() -> dict[str, object]:
        return {"ok": False}

    async def broken() -> dict[str, object]:
        raise ConnectionError("redis gone")

    assert (await _ask(down)).status_code == 503
    reply = await _ask(broken)
    assert reply.status_code == 503 and "redis gone" in reply.json()["error"]


async def test_another_path_is_not_found() -> None:
    async def fine() -> dict[str, object]:
        return {"ok": True}

    assert (await _ask(fine, "/metrics")).status_code == 404


def test_no_health_port_no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEALTH_PORT", raising=False)
    assert health_port() is None
    monkeypatch.setenv("HEALTH_PORT", "8080")
    assert health_port() == 8080
