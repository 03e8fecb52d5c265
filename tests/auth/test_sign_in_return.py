"""POST /api/auth/login with `next` (a scanned cabinet's page): signed in, the browser goes there;
refused, back to the sign-in page it came from with `next` kept; an address elsewhere is never
followed. Signing out on the phone goes to the phone's sign-in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from tests.auth.test_login_route import _account, client  # noqa: F401 - the route's fixture

CABINET = "/m/cabinet/CAB-XY-001"


def test_signed_in_it_returns_to_the_scanned_cabinet(client: TestClient) -> None:  # noqa: F811
    username = _account()
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123", "next": CABINET, "page": "phone"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == CABINET


def test_another_site_in_next_is_never_followed(client: TestClient) -> None:  # noqa: F811
    username = _account()
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example"):
        response = client.post(
            "/api/auth/login",
            data={"login": username, "password": "Secret123", "next": evil},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/", evil


def test_a_refusal_goes_back_to_the_phone_sign_in_keeping_next(client: TestClient) -> None:  # noqa: F811
    username = _account()
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "wrong", "next": CABINET, "page": "phone"},
        follow_redirects=False,
    )
    location = urlsplit(response.headers["location"])
    assert response.status_code == 303 and location.path == "/m/login"
    assert parse_qs(location.query) == {"error": ["auth.bad_credentials"], "next": [CABINET]}
    console = client.post(
        "/api/auth/login",
        data={"login": username, "password": "wrong", "next": "//evil.example"},
        follow_redirects=False,
    )
    assert console.headers["location"] == "/login?error=auth.bad_credentials"


def test_signing_out_on_the_phone_goes_to_the_phone_sign_in(client: TestClient) -> None:  # noqa: F811
    username = _account()
    client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123"},
        follow_redirects=False,
    )
    phone = client.post("/api/auth/logout", data={"page": "phone"}, follow_redirects=False)
    assert phone.status_code == 303 and phone.headers["location"] == "/m/login"
    console = client.post("/api/auth/logout", follow_redirects=False)
    assert console.headers["location"] == "/login"
