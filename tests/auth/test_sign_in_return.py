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


def test_a_form_sent_before_its_page_filled_next_still_returns_there(client: TestClient) -> None:  # noqa: F811
    """The hidden `next` is filled once the sign-in page has loaded its state; a fast person or a
    password manager can submit before that. The sign-in page's own address (Referer) still says
    where to go; another site's Referer, or another page's, never does."""
    username = _account()
    host = "testserver"
    page = f"http://{host}/m/login?next=%2Fm%2Fcabinet%2FCAB-XY-001"
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123", "next": "", "page": "phone"},
        headers={"referer": page},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == CABINET
    for referer in (
        "http://evil.example/m/login?next=%2Fm%2Fcabinet%2FX",
        f"http://{host}/somewhere?next=%2Fm%2Fcabinet%2FX",
        f"http://{host}/login?next=%2F%2Fevil.example",
    ):
        console = client.post(
            "/api/auth/login",
            data={"login": username, "password": "Secret123"},
            headers={"referer": referer},
            follow_redirects=False,
        )
        assert console.headers["location"] == "/", referer


def test_the_phone_sign_in_without_next_lands_on_the_phone_page(client: TestClient) -> None:  # noqa: F811
    username = _account()
    response = client.post(
        "/api/auth/login",
        data={"login": username, "password": "Secret123", "page": "phone"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/m"
