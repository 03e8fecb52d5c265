"""The edge of the one port, as an outsider meets it (issue 14, findings 6, 8 and 13): foreign
origins refused on the websocket and the REST routes, no CORS reflection, uploads refused before
their body is read, security headers on every page and a page that runs under its policy."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import httpx
import pytest
import socketio

from app.demo.services.catalogue import DEMO_PASSWORD
from tests.browser.conftest import RunningApp, at_path, sign_in
from tests.browser.sockets import Caller, cookie_for, event_name

FOREIGN = "http://localhost:1"  # another port of the same site: same-site, not same-origin


def _host(app: RunningApp) -> str:
    return urlparse(app.url).netloc


def test_rest_routes_refuse_foreign_origins_and_reflect_none(running_app: RunningApp) -> None:
    cookie = cookie_for(running_app, "xy_admin")
    export = f"{running_app.url}/api/org/users/export.csv"
    foreign = httpx.get(export, headers={"Cookie": cookie, "Origin": FOREIGN})
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers
    preflight = httpx.options(
        export, headers={"Origin": FOREIGN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.headers.get("access-control-allow-origin") in (None, "")
    own = httpx.get(export, headers={"Cookie": cookie, "Origin": f"http://{_host(running_app)}"})
    assert own.status_code == 200 and len(own.text.splitlines()) > 5
    signed_in = httpx.post(
        f"{running_app.url}/api/auth/login",
        json={"login": "xy_admin", "password": DEMO_PASSWORD},
        headers={"Origin": FOREIGN},
    )
    assert signed_in.status_code == 403


def test_an_api_call_from_a_foreign_origin_gets_no_cors_grant(running_app: RunningApp) -> None:
    """A bearer call passes the origin check whatever its Origin, but the answer grants a page
    of that origin nothing: no `Access-Control-Allow-Origin` (Reflex's outermost CORS layer still
    adds `Allow-Credentials: true` to every answer, which grants nothing without it)."""
    items = f"{running_app.url}/api/v1/items"
    for origin in (FOREIGN, f"http://{_host(running_app)}"):
        answer = httpx.get(items, headers={"Origin": origin, "Authorization": "Bearer cck_a_b"})
        assert answer.status_code == 401, answer.text
        assert "access-control-allow-origin" not in answer.headers, dict(answer.headers)
        assert "access-control-allow-methods" not in answer.headers


def test_the_websocket_refuses_foreign_origins(running_app: RunningApp) -> None:
    cookie = cookie_for(running_app, "xy_admin")
    for sent in ({"origin": FOREIGN}, {"header": {"Origin": FOREIGN}}):  # alone, or second
        stranger = Caller(
            "foreign page",
            cookie,
            socketio.Client(reconnection=False, websocket_extra_options=sent),
        )
        with pytest.raises(socketio.exceptions.ConnectionError):
            stranger.connect(running_app.url)
    polling = httpx.get(
        f"{running_app.url}/_event/?EIO=4&transport=polling",
        headers={"Cookie": cookie, "Origin": FOREIGN},
    )
    assert polling.status_code == 403
    # the app's own page may: the same socket from our origin works
    own = Caller(
        "own page",
        cookie,
        socketio.Client(
            reconnection=False,
            websocket_extra_options={"origin": f"http://{_host(running_app)}"},
        ),
    )
    own.connect(running_app.url)
    try:
        shown = own.call(event_name("WhitelistState.load"), {})
        assert "phone" in shown and own.client.connected
    finally:
        own.client.disconnect()


def _raw_upload(app: RunningApp, declared: int, cookie: str = "", chunked: bool = False) -> str:
    """Send only the headers of a big upload; what the server answers before any body."""
    host, port = _host(app).split(":")
    lines = [
        "POST /_upload HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: multipart/form-data; boundary=x",
        "reflex-client-token: 00000000-0000-4000-8000-000000000000",
        f"reflex-event-handler: {event_name('ImportState.upload')}",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {declared}",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        started = time.monotonic()
        answer = conn.recv(4096).decode(errors="replace")
        assert time.monotonic() - started < 5
    return answer.split("\r\n", 1)[0]


def test_uploads_are_refused_before_their_body_is_read(running_app: RunningApp) -> None:
    hundred_mb = 100 * 1024 * 1024
    before = running_app.log().count("Traceback")
    assert " 401 " in _raw_upload(running_app, hundred_mb)  # nobody: not even the size matters
    cookie = cookie_for(running_app, "xy_admin")
    assert " 413 " in _raw_upload(running_app, hundred_mb, cookie)
    assert " 411 " in _raw_upload(running_app, 0, cookie, chunked=True)
    not_an_upload = httpx.post(
        f"{running_app.url}/_upload",
        headers={
            "Cookie": cookie,
            "reflex-client-token": "00000000-0000-4000-8000-000000000000",
            "reflex-event-handler": event_name("WhitelistState.load"),
        },
        files={"files": ("a.csv", b"phone\n", "text/csv")},
    )
    assert not_an_upload.status_code == 403
    assert running_app.log().count("Traceback") == before


def test_pages_carry_the_security_headers(running_app: RunningApp) -> None:
    for path in ("/", "/login", "/m/register"):
        page = httpx.get(running_app.url + path, follow_redirects=True)
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        scripts = next(d for d in policy.split("; ") if d.startswith("script-src"))
        assert "unsafe-inline" not in scripts and "*" not in scripts
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert page.headers["x-content-type-options"] == "nosniff"


def test_the_console_runs_under_its_policy(browser, running_app: RunningApp) -> None:
    """Every page the admin opens works with the policy on, and the browser reports no
    violation (inline scripts are allowed by hash, nothing else)."""
    context, page = sign_in(browser, running_app, "xy_admin")
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    for path, ready in (
        ("/", "#home"),
        ("/reports", '#reports[data-loaded="true"]'),
        ("/people", "#people"),
        ("/cabinets", "#cabinets"),
    ):
        page.goto(running_app.url + path)
        page.wait_for_url(at_path(running_app, path))
        page.wait_for_selector(ready, timeout=60_000)
        if path == "/reports":  # plotly draws under the policy
            page.wait_for_selector("#rp-daily .main-svg", timeout=30_000)
        assert page.evaluate("window.__violations") == [], path
    page.reload()  # revalidated from the cache (304): the headers must stay the page's
    page.wait_for_selector("#cabinets", timeout=60_000)
    assert page.evaluate("window.__violations") == [], "after a reload"
    context.close()
