"""Signing in through a company's identity provider, end to end against a real (local) OpenID
Connect provider: what goes through, and every check that must refuse."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from sqlmodel import select

from app.api.cookies import ACCESS_COOKIE
from app.api.sso import FLOW_COOKIE
from app.audit.models import AuditLog
from app.core.config import get_settings
from app.core.db import session_scope
from tests.sso.conftest import Browser, Person
from tests.sso.idp import LocalIdp, _key


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


async def _to_provider(client: httpx.AsyncClient, company: str) -> str:
    start = await client.get(f"/auth/sso/{company}/start")
    assert start.status_code == 303, start.text
    assert start.headers["location"].startswith("https://idp.test/realms/acme/authorize?")
    return start.headers["location"]


async def _sign_in(client: httpx.AsyncClient, company: str, **tamper: str) -> httpx.Response:
    """Start, let the provider approve, come back; `tamper` changes the authorization URL."""
    authorize = await _to_provider(client, company)
    approved = await client.get(_with_query(authorize, **tamper) if tamper else authorize)
    assert approved.status_code == 302, approved.text
    return await client.get(approved.headers["location"])


def _refusals(tenant_id: int) -> list[dict]:
    with session_scope() as session:
        rows = session.exec(
            select(AuditLog).where(
                AuditLog.tenant_id == tenant_id, AuditLog.action == "auth.sso_refused"
            )
        ).all()
    return [row.after or {} for row in rows]


def _error(response: httpx.Response) -> str:
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/login"
    return parse_qs(location.query)["error"][0]


async def test_a_company_account_signs_in_with_a_working_session(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    client = browser(idp)
    authorize = await _to_provider(client, company.company)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert query["redirect_uri"] == ["https://app.test/auth/sso/callback"]
    assert client.cookies.get(FLOW_COOKIE)  # the flow waits in this browser only

    approved = await client.get(authorize)
    done = await client.get(approved.headers["location"])

    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.cookies.get(ACCESS_COOKIE)
    assert not client.cookies.get(FLOW_COOKIE)
    # the provider saw the client's secret and the PKCE verifier
    assert idp.token_requests[-1]["code_verifier"]
    # the session is a real one: a protected route answers
    export = await client.get("/api/org/users/export.csv")
    assert export.status_code == 200, export.text
    assert company.email in export.text
    with session_scope() as session:
        logins = session.exec(
            select(AuditLog).where(
                AuditLog.action == "auth.login", AuditLog.entity_id == str(company.account_id)
            )
        ).all()
    assert [entry.after for entry in logins] == [{"method": "sso"}]


async def test_behind_a_proxy_the_callback_is_the_public_url(
    company: Person, idp: LocalIdp, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proxy rewrote Host: the callback registered at the provider is PUBLIC_URL's."""
    public = replace(get_settings(), public_url="https://console.acme.example")
    monkeypatch.setattr("app.api.sso.get_settings", lambda: public)
    idp.redirect_uris.append("https://console.acme.example/auth/sso/callback")
    client = browser(idp)
    authorize = await _to_provider(client, company.company)
    assert parse_qs(urlsplit(authorize).query)["redirect_uri"] == [
        "https://console.acme.example/auth/sso/callback"
    ]
    approved = await client.get(authorize)
    callback = urlsplit(approved.headers["location"])  # the browser would go to the public host
    done = await client.get(f"{callback.path}?{callback.query}")  # ... which reaches us
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert (
        idp.token_requests[-1]["redirect_uri"] == "https://console.acme.example/auth/sso/callback"
    )


async def test_sign_in_returns_to_the_page_it_was_asked_from(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    client = browser(idp)
    chosen = await client.get(
        "/auth/sso/start", params={"company": company.company, "next": "/stock"}
    )
    assert chosen.status_code == 303
    start = await client.get(chosen.headers["location"])
    approved = await client.get(start.headers["location"])
    done = await client.get(approved.headers["location"])
    assert done.headers["location"] == "/stock"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("nonce", "id_token_nonce"),
        ("aud", "id_token_aud"),
        ("exp", "id_token_exp"),
        ("iss", "id_token_iss"),
        ("signature", "id_token_bad_signature"),
    ],
)
async def test_an_id_token_failing_a_check_is_refused(
    company: Person, idp: LocalIdp, browser: Browser, fault: str, reason: str
) -> None:
    idp.faults.add(fault)
    client = browser(idp)
    done = await _sign_in(client, company.company)
    assert _error(done) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)
    assert [r["reason"] for r in _refusals(company.tenant_id)] == [reason]


async def test_discovery_and_keys_are_kept_until_the_provider_rotates_its_keys(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    for _ in range(2):
        done = await _sign_in(browser(idp), company.company)
        assert done.headers["location"] == "/", done.headers["location"]
    assert idp.documents_served == ["discovery", "jwks"]  # once for both sign-ins
    idp.key = _key("k2")  # the provider rotates its signing key
    rotated = await _sign_in(browser(idp), company.company)
    assert rotated.headers["location"] == "/"  # the kept keys are read again, once
    assert idp.documents_served == ["discovery", "jwks", "jwks"]
    idp.faults.add("signature")  # a token signed with a key the provider never published
    forged = await _sign_in(browser(idp), company.company)
    assert _error(forged) == "sso.refused"
    assert idp.documents_served.count("jwks") == 3  # one re-read, then refused


async def test_a_wrong_pkce_verifier_is_refused_by_the_provider(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    # someone swapped the challenge on the way: our verifier no longer matches it
    client = browser(idp)
    done = await _sign_in(client, company.company, code_challenge="A" * 43)
    assert _error(done) == "sso.refused"
    assert idp.token_requests[-1]["code_verifier"]
    assert [r["reason"] for r in _refusals(company.tenant_id)] == ["token_invalid_grant"]
    assert not client.cookies.get(ACCESS_COOKIE)


async def test_a_state_that_is_not_this_browsers_is_refused(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    client = browser(idp)
    authorize = await _to_provider(client, company.company)
    approved = await client.get(authorize)
    forged = _with_query(approved.headers["location"], state="forged-state")
    assert _error(await client.get(forged)) == "sso.refused"
    assert [r["reason"] for r in _refusals(company.tenant_id)] == ["state"]
    assert not client.cookies.get(ACCESS_COOKIE)


async def test_a_callback_in_a_browser_that_never_started_is_refused(
    company: Person, idp: LocalIdp, browser: Browser
) -> None:
    victim, attacker = browser(idp), browser(idp)
    authorize = await _to_provider(attacker, company.company)
    approved = await attacker.get(authorize)
    # login CSRF: the attacker's callback link opened in another browser
    assert _error(await victim.get(approved.headers["location"])) == "sso.refused"
    assert not victim.cookies.get(ACCESS_COOKIE)


async def test_a_person_the_company_does_not_have_is_refused_clearly(
    company: Person, browser: Browser
) -> None:
    stranger = LocalIdp(
        redirect_uris=["https://app.test/auth/sso/callback"],
        user={"sub": "u-99", "email": "nobody@acme.example"},
    )
    client = browser(stranger)
    done = await _sign_in(client, company.company)
    assert _error(done) == "sso.unknown_person"
    assert not client.cookies.get(ACCESS_COOKIE)
    refusal = _refusals(company.tenant_id)[-1]
    assert refusal["refusal"] == "sso.unknown_person" and refusal["value"] == "nobody@acme.example"


async def test_an_unknown_company_code_is_refused(idp: LocalIdp, browser: Browser) -> None:
    client = browser(idp)
    start = await client.get("/auth/sso/NO-SUCH-CO/start")
    assert _error(start) == "sso.not_configured"
