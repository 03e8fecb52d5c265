"""A small but real OpenID Connect provider for the tests, served in-process (ASGI).

It implements what our client relies on, as the specs say: discovery, the authorization
endpoint (code flow, PKCE S256 required, registered redirect URIs only; it approves its one
configured user without a login form), the token endpoint (client_secret_basic or _post, single-
use codes bound to client and redirect URI, the code verifier checked against the challenge) and
the JWKS; ID tokens are RS256-signed with `at_hash`. `faults` make it misbehave on purpose the
way a broken or hostile provider would (another nonce, audience, expired, foreign key).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

ISSUER = "https://idp.test/realms/acme"
CLIENT_ID = "cabinet-cloud"
CLIENT_SECRET = "s3cret-of-the-client"


def _key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    expires_at: float


@dataclass
class LocalIdp:
    redirect_uris: list[str]
    user: dict[str, Any]  # the claims of the one person it signs in (sub, email, ...)
    issuer: str = ISSUER
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    clock: Callable[[], float] = time.time
    faults: set[str] = field(default_factory=set)  # nonce, aud, exp, signature, iss
    key: RSAKey = field(default_factory=lambda: _key("k1"))
    codes: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    documents_served: list[str] = field(default_factory=list)  # "discovery" / "jwks", in order

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/realms/acme/.well-known/openid-configuration", self.discovery),
                Route("/realms/acme/authorize", self.authorize),
                Route("/realms/acme/token", self.token, methods=["POST"]),
                Route("/realms/acme/jwks", self.jwks),
            ]
        )

    async def discovery(self, request: Request) -> Response:
        self.documents_served.append("discovery")
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "scopes_supported": ["openid", "profile", "email", "phone"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        self.documents_served.append("jwks")
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        redirect_uri = q.get("redirect_uri", "")
        # An unknown client or redirect URI is never redirected to (RFC 6749 § 4.1.2.1).
        if q.get("client_id") != self.client_id or redirect_uri not in self.redirect_uris:
            return PlainTextResponse("unknown client or redirect_uri", status_code=400)

        def back(**params: str) -> Response:
            state = {"state": q["state"]} if "state" in q else {}
            return RedirectResponse(f"{redirect_uri}?{urlencode({**params, **state})}", 302)

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in q.get("scope", "").split():
            return back(error="invalid_scope")
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE S256 required")
        if "deny" in self.faults:
            return back(error="access_denied")
        code = secrets.token_urlsafe(32)
        self.codes[code] = Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            challenge=q["code_challenge"],
            nonce=q.get("nonce"),
            expires_at=self.clock() + 60,
        )
        return back(code=code)

    def _client(self, request: Request, form: dict[str, str]) -> str | None:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        ok = client_id == self.client_id and secrets.compare_digest(secret, self.client_secret)
        return client_id if ok else None

    async def token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.token_requests.append(form)
        client_id = self._client(request, form)
        if client_id is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if (
            grant is None
            or grant.expires_at < self.clock()
            or grant.client_id != client_id
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not verifier or not secrets.compare_digest(challenge, grant.challenge):
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "PKCE verification failed"},
                status_code=400,
            )
        access_token = secrets.token_urlsafe(32)
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant, access_token),
            },
            headers={"Cache-Control": "no-store"},
        )

    def id_token(self, grant: Grant, access_token: str) -> str:
        now = int(self.clock())
        claims = {
            **self.user,
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "at_hash": create_half_hash(access_token, "RS256").decode(),
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        if "nonce" in self.faults:
            claims["nonce"] = "not-the-one-you-sent"
        if "aud" in self.faults:
            claims["aud"] = "another-client"
        if "iss" in self.faults:
            claims["iss"] = "https://evil.test"
        if "exp" in self.faults:
            claims["iat"], claims["exp"] = now - 900, now - 600
        # a key the JWKS does not hold, under the published kid: a forged signature
        key = _key(self.key.kid) if "signature" in self.faults else self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
