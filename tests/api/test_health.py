"""`GET /api/health`: the answering web worker's pid and whether it reaches the database; 503,
not a 500, when it does not (the supervisor and compose's healthcheck read it)."""

from __future__ import annotations

import os

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.api import health


def _client() -> TestClient:
    return TestClient(Starlette(routes=health.routes))


def test_a_worker_that_reaches_the_database_answers_with_its_pid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def database_answers(fn, **kwargs):
        return True

    monkeypatch.setattr(health, "run_in_session", database_answers)
    reply = _client().get("/api/health")
    assert reply.status_code == 200
    assert reply.json() == {"process": "web", "pid": os.getpid(), "ok": True, "database": True}


def test_an_unreachable_database_answers_503(monkeypatch: pytest.MonkeyPatch) -> None:
    async def database_down(fn, **kwargs):
        raise ConnectionRefusedError("5432")

    monkeypatch.setattr(health, "run_in_session", database_down)
    reply = _client().get("/api/health")
    assert reply.status_code == 503 and reply.json()["database"] is False
