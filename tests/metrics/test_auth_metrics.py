"""A refused sign-in is counted by its reason, through the route the sign-in form posts to."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.auth.test_login_route import _account
from tests.auth.test_login_route import client as client
from tests.metrics.conftest import sample

FAILURES = "cabinet_login_failures_total"


def test_a_wrong_password_counts_one_login_failure(client: TestClient) -> None:
    username = _account()
    before = sample(FAILURES, reason="auth.bad_credentials")
    response = client.post("/api/auth/login", json={"login": username, "password": "wrong"})
    assert response.status_code == 401
    assert sample(FAILURES, reason="auth.bad_credentials") == before + 1
    signed_in = client.post("/api/auth/login", json={"login": username, "password": "Secret123"})
    assert signed_in.status_code == 200
    assert sample(FAILURES, reason="auth.bad_credentials") == before + 1  # success: not counted
