"""The OpenID Connect side of single sign-on: authorization code flow with PKCE (S256).

Discovery (`{issuer}/.well-known/openid-configuration`), the authorization URL with state,
nonce and code challenge, the code exchange (client secret + code verifier) and the ID token's
verification: its signature against the issuer's JWKS, then iss, aud, exp, iat and nonce.
No database here: the caller reads the tenant's issuer first and signs the person in after, so
no transaction is held open while the identity provider answers. The HTTP transport is a
parameter (tests serve a real provider in-process).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.cabinets.services.credentials import decrypt_secret, encrypt_secret
from app.core.config import get_settings
from app.core.errors import DomainError

FLOW_TTL = timedelta(minutes=10)  # from leaving for the identity provider to coming back
CLOCK_LEEWAY_S = 60  # between our clock and the identity provider's
SCOPE = "openid profile email phone"
# Only asymmetric signatures: an HS256 token would be "signed" with our own client secret.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
HTTP_TIMEOUT_S = 10.0
# Discovery and JWKS are read again after this long at most; the JWKS at once when a token does
# not verify against the copy kept (the provider rotated its keys).
DOCUMENT_TTL_S = 600.0
_documents: dict[str, tuple[dict[str, Any], float]] = {}  # url: body, monotonic expiry


class SsoRefused(DomainError):
    """The sign-in through the identity provider did not go through; `reason` says which check
    refused it (kept in the audit log and the server log, not shown to the person)."""

    key = "sso.refused"


@dataclass(frozen=True)
class IssuerConfig:
    """What the protocol needs of a tenant's issuer (the client secret decrypted)."""

    tenant_id: int
    tenant_code: str
    issuer: str
    client_id: str
    client_secret: str
    claim: str


@dataclass(frozen=True)
class Flow:
    """What the browser carries, sealed, from the start of a sign-in to the callback."""

    tenant_code: str
    state: str
    nonce: str
    verifier: str
    next_path: str
    expires_at: int

    def seal(self) -> str:
        return encrypt_secret(json.dumps(asdict(self)).encode(), _flow_key())

    @classmethod
    def unseal(cls, sealed: str | None, now: datetime) -> Flow | None:
        """The flow, or None for a missing, forged or expired one."""
        if not sealed:
            return None
        try:
            flow = cls(**json.loads(decrypt_secret(sealed, _flow_key())))
        except (DomainError, ValueError, TypeError):
            return None
        return flow if flow.expires_at > now.timestamp() else None


def _flow_key() -> str:
    """Its own key (derived from SECRET_KEY), so a stored ciphertext is never a valid flow."""
    return get_settings().secret_key + "/sso-flow"


def _client(transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S)


async def _get_json(client: httpx.AsyncClient, url: str, reason: str) -> dict[str, Any]:
    try:
        response = await client.get(url)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError):
        raise SsoRefused("sso.unreachable", reason=reason) from None
    if not isinstance(body, dict):
        raise SsoRefused("sso.unreachable", reason=reason)
    return body


def forget_documents() -> None:
    """Drop the kept discovery documents and key sets (a changed issuer setting, tests)."""
    _documents.clear()


async def _document(
    client: httpx.AsyncClient, url: str, reason: str, *, fresh: bool = False
) -> tuple[dict[str, Any], bool]:
    """A provider's JSON document, kept for DOCUMENT_TTL_S; whether it was just fetched."""
    kept = _documents.get(url)
    if kept is not None and not fresh and kept[1] > time.monotonic():
        return kept[0], False
    body = await _get_json(client, url, reason)
    _documents[url] = (body, time.monotonic() + DOCUMENT_TTL_S)
    return body, True


async def discover(client: httpx.AsyncClient, issuer: str) -> dict[str, Any]:
    """The issuer's metadata; its `issuer` must be exactly the configured one (OIDC Discovery
    § 4.3), or a look-alike could hand out tokens in its name."""
    url = f"{issuer}/.well-known/openid-configuration"
    metadata, _ = await _document(client, url, "discovery")
    problem = None if metadata.get("issuer") == issuer else "discovery_issuer"
    for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if problem is None and not isinstance(metadata.get(endpoint), str):
            problem = f"discovery_{endpoint}"
    if problem is not None:
        _documents.pop(url, None)  # never keep a document we refuse
        raise SsoRefused("sso.refused", reason=problem)
    return metadata


async def start(
    *,
    config: IssuerConfig,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[str, Flow]:
    """The identity provider's authorization URL and the flow to keep until the callback."""
    flow = Flow(
        tenant_code=config.tenant_code,
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),  # 64 characters: RFC 7636 wants 43 to 128
        next_path=next_path,
        expires_at=int((now + FLOW_TTL).timestamp()),
    )
    async with _client(transport) as client:
        metadata = await discover(client, config.issuer)
    url = add_params_to_uri(
        metadata["authorization_endpoint"],
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPE,
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": create_s256_code_challenge(flow.verifier),
            "code_challenge_method": "S256",
        },
    )
    return url, flow


async def _exchange(
    client: httpx.AsyncClient, url: str, config: IssuerConfig, body: dict[str, str]
) -> dict[str, Any]:
    """The token endpoint's answer (client_secret_basic, RFC 6749 § 2.3.1), or SsoRefused."""
    try:
        response = await client.post(
            url,
            data=body,
            auth=(quote(config.client_id, safe=""), quote(config.client_secret, safe="")),
            headers={"Accept": "application/json"},
        )
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        raise SsoRefused("sso.unreachable", reason="token") from None
    if not isinstance(answer, dict):
        raise SsoRefused("sso.unreachable", reason="token")
    if response.status_code != 200 or "error" in answer:
        raise SsoRefused(
            "sso.refused", reason=f"token_{answer.get('error', response.status_code)}"[:64]
        )
    return answer


async def finish(
    *,
    config: IssuerConfig,
    flow: Flow,
    params: Mapping[str, str],
    redirect_uri: str,
    now: datetime,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """The verified ID token claims of the callback `params` (code, state), or SsoRefused."""
    if not secrets.compare_digest(params.get("state", ""), flow.state):
        raise SsoRefused("sso.refused", reason="state")
    if params.get("error"):
        raise SsoRefused("sso.idp_refused", reason=str(params["error"])[:64])
    code = params.get("code", "")
    if not code:
        raise SsoRefused("sso.refused", reason="no_code")
    async with _client(transport) as client:
        metadata = await discover(client, config.issuer)
        body = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": flow.verifier,
        }
        token = await _exchange(client, metadata["token_endpoint"], config, body)
        if not isinstance(token.get("id_token"), str):
            raise SsoRefused("sso.refused", reason="no_id_token")
        jwks, fetched = await _document(client, metadata["jwks_uri"], "jwks")

        def verify(keys: dict[str, Any]) -> dict[str, Any]:
            return verify_id_token(
                config=config,
                id_token=token["id_token"],
                jwks=keys,
                nonce=flow.nonce,
                access_token=token.get("access_token"),
                allowed=metadata.get("id_token_signing_alg_values_supported"),
                now=now,
            )

        try:
            return verify(jwks)
        except SsoRefused:
            if fetched:
                raise
            # the kept keys may be old: the provider may have rotated them since
            jwks, _ = await _document(client, metadata["jwks_uri"], "jwks", fresh=True)
            return verify(jwks)


def verify_id_token(
    *,
    config: IssuerConfig,
    id_token: str,
    jwks: dict[str, Any],
    nonce: str,
    now: datetime,
    access_token: str | None = None,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    """The claims of a signature-checked ID token issued by `config.issuer` to our client for
    this very sign-in (nonce), still valid at `now`."""
    algorithms = [a for a in (allowed or ["RS256"]) if a in SIGNING_ALGORITHMS] or ["RS256"]
    options = {
        "iss": {"essential": True, "value": config.issuer},
        "aud": {"essential": True, "value": config.client_id},
    }
    params = {"nonce": nonce, "client_id": config.client_id}
    if access_token:
        params["access_token"] = access_token
    try:
        decoded = jwt.decode(
            id_token, KeySet.import_key_set({"keys": jwks["keys"]}), algorithms=algorithms
        )
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        claims.validate(now=int(now.timestamp()), leeway=CLOCK_LEEWAY_S)
    except JoseError as invalid:
        reason = getattr(invalid, "claim", None) or invalid.error
        raise SsoRefused("sso.refused", reason=f"id_token_{reason}"[:64]) from None
    return dict(claims)
