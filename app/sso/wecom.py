"""WeCom (企业微信) OAuth sign-in for a company's employees on the phone, per WeCom's documented
web-login flow for a self-built app:

1. the phone goes to `{oauth}/connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=
   code&scope=snsapi_base&state=…&agentid=AGENTID#wechat_redirect` and comes back with `code`;
2. `GET {api}/cgi-bin/gettoken?corpid&corpsecret` gives the app's access_token (kept until it
   expires: WeCom limits how often it may be asked for);
3. `GET {api}/cgi-bin/auth/getuserinfo?access_token&code` names the member (`userid`; someone
   outside the company gets an `openid` instead, and is refused);
4. `GET {api}/cgi-bin/user/get?access_token&userid` gives the member's record (`mobile`).

Async, no database, the transport and both base URLs injectable (tests serve a stand-in).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from app.sso.oidc import FLOW_TTL, HTTP_TIMEOUT_S, Flow, SsoRefused

EXPIRED_TOKEN_CODES = {40014, 42001}  # invalid / expired access_token: ask for a new one once


@dataclass(frozen=True)
class WecomEndpoints:
    oauth: str = "https://open.weixin.qq.com"
    api: str = "https://qyapi.weixin.qq.com"


@dataclass(frozen=True)
class WecomConfig:
    tenant_id: int
    tenant_code: str
    corp_id: str
    agent_id: str
    secret: str


_tokens: dict[str, tuple[str, float]] = {}  # per corp, app and secret: token, monotonic expiry


def start(
    *,
    config: WecomConfig,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    endpoints: WecomEndpoints,
) -> tuple[str, Flow]:
    """The WeCom authorization URL and the flow (state only) to keep until the callback."""
    flow = Flow(
        tenant_code=config.tenant_code,
        state=secrets.token_urlsafe(24),
        nonce="",
        verifier="",
        next_path=next_path,
        expires_at=int((now + FLOW_TTL).timestamp()),
    )
    query = urlencode(
        {
            "appid": config.corp_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": flow.state,
            "agentid": config.agent_id,
        }
    )
    return f"{endpoints.oauth}/connect/oauth2/authorize?{query}#wechat_redirect", flow


async def _call(client: httpx.AsyncClient, url: str, params: dict[str, str], step: str) -> dict:
    try:
        response = await client.get(url, params=params)
        body = response.json()
    except (httpx.HTTPError, ValueError):
        raise SsoRefused("sso.unreachable", reason=f"wecom_{step}") from None
    if not isinstance(body, dict):
        raise SsoRefused("sso.unreachable", reason=f"wecom_{step}")
    return body


def _cache_key(config: WecomConfig) -> str:
    return hashlib.sha256(
        f"{config.corp_id}\n{config.agent_id}\n{config.secret}".encode()
    ).hexdigest()


async def _access_token(
    client: httpx.AsyncClient, config: WecomConfig, endpoints: WecomEndpoints, fresh: bool
) -> str:
    key = _cache_key(config)
    cached = _tokens.get(key)
    if cached and not fresh and cached[1] > time.monotonic():
        return cached[0]
    body = await _call(
        client,
        f"{endpoints.api}/cgi-bin/gettoken",
        {"corpid": config.corp_id, "corpsecret": config.secret},
        "gettoken",
    )
    token = body.get("access_token")
    if body.get("errcode") != 0 or not isinstance(token, str):
        raise SsoRefused("sso.refused", reason=f"wecom_gettoken_{body.get('errcode')}"[:64])
    expires_in = int(body.get("expires_in") or 7200)
    _tokens[key] = (token, time.monotonic() + max(expires_in - 300, 60))
    return token


async def call_api(
    client: httpx.AsyncClient,
    config: WecomConfig,
    endpoints: WecomEndpoints,
    path: str,
    params: dict[str, str],
) -> dict:
    """One `GET /cgi-bin/{path}` with the app's token (cached; an expired one is renewed once):
    the answer's body, or SsoRefused naming the call and WeCom's errcode (`wecom_user_get_60111`).
    The sign-in and the org sync (app/org/wecom_directory.py) both call WeCom through here."""
    step = path.replace("/", "_")
    for fresh in (False, True):
        token = await _access_token(client, config, endpoints, fresh)
        url = f"{endpoints.api}/cgi-bin/{path}"
        body = await _call(client, url, {"access_token": token, **params}, step)
        if body.get("errcode") not in EXPIRED_TOKEN_CODES:
            break
    if body.get("errcode") != 0:
        raise SsoRefused("sso.refused", reason=f"wecom_{step}_{body.get('errcode')}"[:64])
    return body


async def finish(
    *,
    config: WecomConfig,
    flow: Flow,
    params: Mapping[str, str],
    endpoints: WecomEndpoints,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """The WeCom member record (`userid`, `mobile`, …) of the callback's code, or SsoRefused."""
    if not secrets.compare_digest(params.get("state", ""), flow.state):
        raise SsoRefused("sso.refused", reason="state")
    code = params.get("code", "")
    if not code:
        raise SsoRefused("sso.refused", reason="no_code")
    async with httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S) as client:
        who = await call_api(client, config, endpoints, "auth/getuserinfo", {"code": code})
        userid = who.get("userid")
        if not isinstance(userid, str) or not userid:  # not a member (openid): not ours
            raise SsoRefused("sso.unknown_person", value=str(who.get("openid", ""))[:64])
        member = await call_api(client, config, endpoints, "user/get", {"userid": userid})
    return {**member, "userid": userid}
