"""POST /api/auth/login as the sign-in form and JSON clients use it, on the app's own database.

The lockout must hold through the route itself: the failed attempts are written in the same
unit of work that refuses the sign-in, and have to survive that refusal.
"""

from __future__ import annotations

import uuid

import pytest
from httpx import Response
from sqlmodel import select
from starlette.testclient import TestClient

from app.api import build_api
from app.api.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from app.audit.models import AuditLog
from app.auth.models import AccountKind, AuthSession, LoginAttempt
from app.auth.services import tokens
from app.auth.services.passwords import hash_secret
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from tests.factories import make_account


@pytest.fixture(scope="module")
def client() -> TestClient:
    migrations.upgrade(get_settings().database_url)
    return TestClient(build_api(), base_url="http://testserver")


def _account(password: str = "Secret123") -> str:
    username = f"route_{uuid.uuid4().hex[:8]}"
    with session_scope() as session:
        make_account(
            session,
            username,
            display_name="路由测试",
            password_hash=hash_secret(password),
            kind=AccountKind.platform.value,
        )
    return username


def test_five_wrong_passwords_lock_the_account_through_the_route(client: TestClient) -> None:
    username = _account()
    for _ in range(5):
        response = client.post("/api/auth/login", json={"login": username, "password": "nope"})
        assert response.status_code == 401
        assert response.json()["error"] == "auth.bad_credentials"
    with session_scope() as session:
        failures = session.exec(select(LoginAttempt).where(LoginAttempt.login == username)).all()
    assert len(failures) == 5
    locked = client.post("/api/auth/login", json={"login": username, "password": "Secret123"})
    assert locked.status_code == 429
    assert locked.json()["error"] == "auth.locked"
    assert "分钟后再试" in locked.json()["message"]


def test_a_form_sign_in_sets_http_only_cookies_and_redirects(client: TestClient) -> None:
    username = _account()
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    access = next(c for c in cookies if c.startswith(ACCESS_COOKIE + "="))
    refresh = next(c for c in cookies if c.startswith(REFRESH_COOKIE + "="))
    assert "HttpOnly" in access and "SameSite=lax" in access and "Path=/" in access
    assert "HttpOnly" in refresh and "SameSite=strict" in refresh and "Path=/api/auth" in refresh


def test_a_cross_site_form_post_is_refused(client: TestClient) -> None:
    username = _account()
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def _refresh_with(client: TestClient, refresh_token: str) -> Response:
    client.cookies.clear()
    client.cookies.set(REFRESH_COOKIE, refresh_token)
    return client.post("/api/auth/refresh")


def test_a_replayed_refresh_cookie_ends_the_session_through_the_route(client: TestClient) -> None:
    username = _account()
    signed_in = client.post("/api/auth/login", json={"login": username, "password": "Secret123"})
    first_refresh = signed_in.cookies[REFRESH_COOKIE]
    rotated = _refresh_with(client, first_refresh)
    assert rotated.status_code == 200
    newest_refresh = rotated.cookies[REFRESH_COOKIE]

    replayed = _refresh_with(client, first_refresh)
    assert replayed.status_code == 401 and replayed.json()["error"] == "auth.expired"
    # The revocation was committed by the route's unit of work: the newest token is dead too.
    assert _refresh_with(client, newest_refresh).status_code == 401
    claims = tokens.verify(newest_refresh, "refresh")
    with session_scope() as session:
        row = session.get(AuthSession, claims.session_id)
        assert row is not None and row.revoked_at is not None
        reused = session.exec(select(AuditLog).where(AuditLog.action == "auth.refresh_reused"))
        audited = [entry for entry in reused if entry.after == {"session": row.id}]
    assert len(audited) == 1
