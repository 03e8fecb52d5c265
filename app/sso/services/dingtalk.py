"""DingTalk (钉钉) OAuth sign-in for a company's employees on the phone, per DingTalk's documented
"new-version" OAuth 2.0 login for an enterprise internal app (企业内部应用):

1. the phone goes to `{login}/oauth2/auth?redirect_uri=…&response_type=code&client_id=APPKEY&
   scope=openid&state=…&prompt=consent` (with a corpId configured: `scope=openid corpid` and
   `corpId=…`, so the person signs in as a member of that organisation) and comes back with
   `authCode` and `state`;
2. `POST {api}/v1.0/oauth2/userAccessToken` JSON `{clientId, clientSecret, code, grantType:
   "authorization_code"}` gives the person's `accessToken` (and, with the corpid scope, the
   `corpId` chosen, which must be the configured one);
3. `GET {api}/v1.0/contact/users/me` with header `x-acs-dingtalk-access-token` gives who they
   are: `unionId`, `openId`, `nick`, `mobile`, `stateCode`, `email`;
4. `POST {api}/v1.0/oauth2/accessToken` JSON `{appKey, appSecret}` gives the app's own
   `accessToken` (`expireIn` seconds; cached: DingTalk limits how often it may be asked for);
5. `POST {oapi}/topapi/user/getbyunionid?access_token=…` JSON `{unionid}` gives the member's
   `result.userid` in the app's organisation; someone outside it (errcode 60121) is refused.

The new-version API (api.dingtalk.com) answers errors with an HTTP 4xx and `{code, message}`
(a string code); the old one (oapi.dingtalk.com) with `{errcode, errmsg}`. Uncertain, and so
written down: the app token of step 4 is used for the old-version call of step 5 (DingTalk
documents the internal app's token as valid for both); 40014/42001 are taken as "token no
longer valid" on oapi as on WeCom's API, and the token is then renewed once.

Async, no database, the transport and the three base URLs injectable (tests serve a stand-in,
tests/sso/dingtalk_standin.py).
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

EXPIRED_TOKEN_CODES = {40014, 42001}
NOT_A_MEMBER = 60121  # getbyunionid: no such user in the app's organisation


@dataclass(frozen=True)
class DingtalkEndpoints:
    login: str = "https://login.dingtalk.com"
    api: str = "https://api.dingtalk.com"
    oapi: str = "https://oapi.dingtalk.com"


_tokens = AppTokens()  # per app key and secret


def start(
    *,
    config: ImConfig,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    endpoints: DingtalkEndpoints,
) -> tuple[str, Flow]:
    """The DingTalk authorization URL and the flow (state only) to keep until the callback."""
    flow = new_flow(config, next_path, now)
    query = {
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "client_id": config.app_id,
        "scope": "openid corpid" if config.org_id else "openid",
        "state": flow.state,
        "prompt": "consent",
        **({"corpId": config.org_id} if config.org_id else {}),
    }
    return f"{endpoints.login}/oauth2/auth?{urlencode(query)}", flow


async def _person(
    client: httpx.AsyncClient, config: ImConfig, endpoints: DingtalkEndpoints, code: str
) -> dict[str, Any]:
    """Steps 2 and 3: the person's own record (`unionId`, `mobile`, …)."""
    grant = await call_json(
        client,
        "POST",
        f"{endpoints.api}/v1.0/oauth2/userAccessToken",
        "dingtalk_usertoken",
        json={
            "clientId": config.app_id,
            "clientSecret": config.secret,
            "code": code,
            "grantType": "authorization_code",
        },
    )
    token = grant.get("accessToken")
    if not isinstance(token, str) or not token:
        raise refused("dingtalk_usertoken", grant.get("code"))
    if config.org_id and grant.get("corpId") != config.org_id:  # another organisation's
        raise SsoRefused("sso.refused", reason="dingtalk_corp")
    me = await call_json(
        client,
        "GET",
        f"{endpoints.api}/v1.0/contact/users/me",
        "dingtalk_me",
        headers={"x-acs-dingtalk-access-token": token},
    )
    if not isinstance(me.get("unionId"), str) or not me["unionId"]:
        raise refused("dingtalk_me", me.get("code"))
    return me


async def _userid(
    client: httpx.AsyncClient, config: ImConfig, endpoints: DingtalkEndpoints, union_id: str
) -> str:
    """Steps 4 and 5: the member's userid in the app's organisation (the app token cached)."""

    async def fetch() -> tuple[str, int]:
        body = await call_json(
            client,
            "POST",
            f"{endpoints.api}/v1.0/oauth2/accessToken",
            "dingtalk_apptoken",
            json={"appKey": config.app_id, "appSecret": config.secret},
        )
        token = body.get("accessToken")
        if not isinstance(token, str) or not token:
            raise refused("dingtalk_apptoken", body.get("code"))
        return token, int(body.get("expireIn") or 7200)

    async def call(token: str) -> dict[str, Any]:
        return await call_json(
            client,
            "POST",
            f"{endpoints.oapi}/topapi/user/getbyunionid",
            "dingtalk_getbyunionid",
            params={"access_token": token},
            json={"unionid": union_id},
        )

    key = AppTokens.key(config.app_id, config.secret)
    body = await _tokens.use(
        key, fetch, call, lambda body: body.get("errcode") in EXPIRED_TOKEN_CODES
    )
    if body.get("errcode") == NOT_A_MEMBER:
        raise SsoRefused("sso.unknown_person", value=union_id[:64])
    result = body.get("result")
    userid = result.get("userid") if isinstance(result, dict) else None
    if body.get("errcode") != 0 or not isinstance(userid, str) or not userid:
        raise refused("dingtalk_getbyunionid", body.get("errcode"))
    return userid


async def finish(
    *,
    config: ImConfig,
    flow: Flow,
    params: Mapping[str, str],
    redirect_uri: str,
    endpoints: DingtalkEndpoints,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """The person's DingTalk record with their `userid` in the organisation, or SsoRefused."""
    code = callback_code(params, flow, code_param="authCode")
    async with httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S) as client:
        me = await _person(client, config, endpoints, code)
        userid = await _userid(client, config, endpoints, me["unionId"])
    return {**me, "userid": userid}
