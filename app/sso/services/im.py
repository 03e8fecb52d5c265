"""What the workplace IM sign-ins (WeCom, DingTalk, Feishu: app/sso/services/wecom.py,
services/dingtalk.py, services/feishu.py) share on the wire: the app's configuration as the protocol
sees it, the flow kept in the phone's cookie, one JSON call with its failure mapped to a refusal,
and the app access tokens the vendors want cached (they limit how often one may be asked for).

Async, no database: the caller reads the tenant's app first and signs the person in after.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from app.sso.services.oidc import FLOW_TTL, Flow, SsoRefused


@dataclass(frozen=True)
class ImConfig:
    """A company's app in one IM (its secret decrypted); the fields mean what ImApp's do."""

    tenant_id: int
    tenant_code: str
    kind: str
    app_id: str
    agent_id: str
    org_id: str
    secret: str
    match_field: str


def new_flow(config: ImConfig, next_path: str, now: datetime, verifier: str = "") -> Flow:
    """A fresh state (and PKCE verifier where the vendor takes one) to keep until the callback."""
    return Flow(
        tenant_code=config.tenant_code,
        state=secrets.token_urlsafe(24),
        nonce="",
        verifier=verifier,
        next_path=next_path,
        expires_at=int((now + FLOW_TTL).timestamp()),
    )


def callback_code(params: Mapping[str, str], flow: Flow, code_param: str = "code") -> str:
    """The authorization code the vendor sent back, once the state is this browser's own."""
    if not secrets.compare_digest(params.get("state", ""), flow.state):
        raise SsoRefused("sso.refused", reason="state")
    if params.get("error"):  # the person declined on the vendor's page (access_denied)
        raise SsoRefused("sso.refused", reason=f"denied_{params['error']}"[:64])
    code = params.get(code_param, "")
    if not code:
        raise SsoRefused("sso.refused", reason="no_code")
    return code


def refused(step: str, code: object) -> SsoRefused:
    """The vendor answered with an error code: a refusal naming the step and the code."""
    return SsoRefused("sso.refused", reason=f"{step}_{code}"[:64])


async def call_json(
    client: httpx.AsyncClient, method: str, url: str, step: str, **request: Any
) -> dict[str, Any]:
    """One call answered with a JSON object (whatever its HTTP status: the vendors put their
    error codes in the body); no answer, a server error or anything else is `sso.unreachable`."""
    try:
        response = await client.request(method, url, **request)
        body = response.json()
    except (httpx.HTTPError, ValueError):
        raise SsoRefused("sso.unreachable", reason=step) from None
    if response.status_code >= 500 or not isinstance(body, dict):
        raise SsoRefused("sso.unreachable", reason=step)
    return body


class AppTokens:
    """App access tokens by app and secret (hashed), each kept until shortly before it expires."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}

    @staticmethod
    def key(*parts: str) -> str:
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def get(self, key: str) -> str | None:
        cached = self._tokens.get(key)
        return cached[0] if cached and cached[1] > time.monotonic() else None

    def put(self, key: str, token: str, expires_in: int) -> None:
        self._tokens[key] = (token, time.monotonic() + max(expires_in - 300, 60))

    async def use(
        self,
        key: str,
        fetch: Callable[[], Awaitable[tuple[str, int]]],
        call: Callable[[str], Awaitable[dict[str, Any]]],
        expired: Callable[[dict[str, Any]], bool],
    ) -> dict[str, Any]:
        """`call` with the cached token (or a fetched one); when the vendor says the token is
        no longer valid, once more with a new one."""
        for fresh in (False, True):
            token = None if fresh else self.get(key)
            if token is None:
                token, expires_in = await fetch()
                self.put(key, token, expires_in)
            body = await call(token)
            if not expired(body):
                break
        return body
