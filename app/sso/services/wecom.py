"""WeCom (企业微信) OAuth sign-in for a company's employees on the phone, per WeCom's documented
web-login flow for a self-built app:

1. the phone goes to `{oauth}/connect/oauth2/authorize?appid=CORPID&redirect_uri=…&response_type=
   code&scope=snsapi_base&state=…&agentid=AGENTID#wechat_redirect` and comes back with `code`;
2. `GET {api}/cgi-bin/gettoken?corpid&corpsecret` gives the app's access_token (kept until it
   expires: WeCom limits how often it may be asked for);
3. `GET {api}/cgi-bin/auth/getuserinfo?access_token&code` names the member (`userid`; someone
   outside the company gets an `openid` instead, and is refused);
4. `GET {api}/cgi-bin/user/get?access_token&userid` gives the member's record (`mobile`).

Async, no database, the transport and both base URLs injectable (tests serve a stand-in,
tests/sso/wecom_standin.py); what the IM sign-ins share is app/sso/services/im.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from app.sso.services.im import AppTokens, ImConfig, call_json, callback_code, new_flow, refused
from app.sso.services.oidc import HTTP_TIMEOUT_S, Flow, SsoRefused

EXPIRED_TOKEN_CODES = {40014, 42001}  # invalid / expired access_token: ask for a new one once


@dataclass(frozen=True)
class WecomEndpoints:
    oauth: str = "https://open.weixin.qq.com"
    api: str = "https://qyapi.weixin.qq.com"


_tokens = AppTokens()  # per corp, app and secret


def start(
    *,
    config: ImConfig,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    endpoints: WecomEndpoints,
) -> tuple[str, Flow]:
    """The WeCom authorization URL and the flow (state only) to keep until the callback."""
    flow = new_flow(config, next_path, now)
    query = urlencode(
        {
            "appid": config.app_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": flow.state,
            "agentid": config.agent_id,
        }
    )
    return f"{endpoints.oauth}/connect/oauth2/authorize?{query}#wechat_redirect", flow


async def call_api(
    client: httpx.AsyncClient,
    config: ImConfig,
    endpoints: WecomEndpoints,
    path: str,
    params: dict[str, str],
) -> dict[str, Any]:
    """One `GET /cgi-bin/{path}` with the app's token (cached; an expired one is renewed once):
    the answer's body, or SsoRefused naming the call and WeCom's errcode (`wecom_user_get_60111`).
    The sign-in and the org sync (app/org/services/wecom_directory.py) both call WeCom through
    here."""
    step = "wecom_" + path.replace("/", "_")

    async def fetch() -> tuple[str, int]:
        body = await call_json(
            client,
            "GET",
            f"{endpoints.api}/cgi-bin/gettoken",
            "wecom_gettoken",
            params={"corpid": config.app_id, "corpsecret": config.secret},
        )
        token = body.get("access_token")
        if body.get("errcode") != 0 or not isinstance(token, str):
            raise refused("wecom_gettoken", body.get("errcode"))
        return token, int(body.get("expires_in") or 7200)

    async def call(token: str) -> dict[str, Any]:
        url = f"{endpoints.api}/cgi-bin/{path}"
        return await call_json(client, "GET", url, step, params={"access_token": token, **params})

    key = AppTokens.key(config.app_id, config.agent_id, config.secret)
    body = await _tokens.use(
        key, fetch, call, lambda body: body.get("errcode") in EXPIRED_TOKEN_CODES
    )
    if body.get("errcode") != 0:
        raise refused(step, body.get("errcode"))
    return body


async def finish(
    *,
    config: ImConfig,
    flow: Flow,
    params: Mapping[str, str],
    redirect_uri: str,
    endpoints: WecomEndpoints,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """The WeCom member record (`userid`, `mobile`, …) of the callback's code, or SsoRefused."""
    code = callback_code(params, flow)
    async with httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S) as client:
        who = await call_api(client, config, endpoints, "auth/getuserinfo", {"code": code})
        userid = who.get("userid")
        if not isinstance(userid, str) or not userid:  # not a member (openid): not ours
            raise SsoRefused("sso.unknown_person", value=str(who.get("openid", ""))[:64])
        member = await call_api(client, config, endpoints, "user/get", {"userid": userid})
    return {**member, "userid": userid}
