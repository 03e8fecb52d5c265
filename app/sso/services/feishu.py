"""Feishu (飞书 / Lark) OAuth sign-in for a company's employees on the phone, per Feishu's
documented web-app authorization for a custom app (企业自建应用), current version:

1. the phone goes to `{accounts}/open-apis/authen/v1/authorize?client_id=APP_ID&response_type=
   code&redirect_uri=…&scope=…&state=…&code_challenge=…&code_challenge_method=S256` and comes
   back with `code` and `state` (or `error=access_denied`); inside the Feishu app no consent
   page is shown;
2. `POST {open}/open-apis/authen/v2/oauth/token` JSON `{grant_type: "authorization_code",
   client_id, client_secret, code, redirect_uri, code_verifier}` gives the person's
   `access_token` (RFC 6749; `code` 0, or an error code with `error_description`);
3. `GET {open}/open-apis/authen/v1/user_info` with `Authorization: Bearer <that token>` gives
   `data`: `open_id`, `union_id`, `user_id`, `employee_no`, `mobile` (`+86…`), `email`,
   `tenant_key`. With a tenant key configured, a person of another tenant is refused.

`scope` asks for the one field the company matches people by (`contact:user.employee_id:
readonly` for user_id, `contact:user.employee:readonly` for employee_no, `contact:user.phone:
readonly` for mobile): user_info returns those fields only with that permission, which the app
must have been granted in Feishu's developer console.

Which flow: `accounts.feishu.cn/…/authorize` with `/authen/v2/oauth/token` is the one Feishu
documents today (no app token needed: the app authenticates with its secret in the body). The
older pairing, `open.feishu.cn/open-apis/authen/v1/authorize?app_id=…` then `app_access_token/
internal` and `/authen/v1/oidc/access_token` with that app token, is listed as a historic
version; it is not used. For Lark (larksuite.com) the base URLs differ: they are `FeishuEndpoints`.

Async, no database, the transport and both base URLs injectable (tests serve a stand-in,
tests/sso/feishu_standin.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from app.sso.models import ImMatch
from app.sso.services.im import ImConfig, call_json, callback_code, new_flow, refused
from app.sso.services.oidc import HTTP_TIMEOUT_S, Flow, SsoRefused

SCOPES = {  # the user_info field each way of matching needs, and the permission returning it
    ImMatch.employee_no.value: "contact:user.employee_id:readonly",
    ImMatch.job_no.value: "contact:user.employee:readonly",
    ImMatch.phone.value: "contact:user.phone:readonly",
}


@dataclass(frozen=True)
class FeishuEndpoints:
    accounts: str = "https://accounts.feishu.cn"
    open: str = "https://open.feishu.cn"


def start(
    *,
    config: ImConfig,
    redirect_uri: str,
    next_path: str,
    now: datetime,
    endpoints: FeishuEndpoints,
) -> tuple[str, Flow]:
    """The Feishu authorization URL and the flow (state and PKCE verifier) to keep."""
    flow = new_flow(config, next_path, now, verifier=secrets.token_urlsafe(48))
    query = {
        "client_id": config.app_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": SCOPES.get(config.match_field, ""),
        "state": flow.state,
        "code_challenge": create_s256_code_challenge(flow.verifier),
        "code_challenge_method": "S256",
    }
    return f"{endpoints.accounts}/open-apis/authen/v1/authorize?{urlencode(query)}", flow


async def finish(
    *,
    config: ImConfig,
    flow: Flow,
    params: Mapping[str, str],
    redirect_uri: str,
    endpoints: FeishuEndpoints,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """The person's Feishu user_info (`user_id`, `employee_no`, `mobile`, …), or SsoRefused."""
    code = callback_code(params, flow)
    async with httpx.AsyncClient(transport=transport, timeout=HTTP_TIMEOUT_S) as client:
        grant = await call_json(
            client,
            "POST",
            f"{endpoints.open}/open-apis/authen/v2/oauth/token",
            "feishu_token",
            json={
                "grant_type": "authorization_code",
                "client_id": config.app_id,
                "client_secret": config.secret,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": flow.verifier,
            },
        )
        token = grant.get("access_token")
        if grant.get("code") != 0 or not isinstance(token, str) or not token:
            raise refused("feishu_token", grant.get("code"))
        info = await call_json(
            client,
            "GET",
            f"{endpoints.open}/open-apis/authen/v1/user_info",
            "feishu_user_info",
            headers={"Authorization": f"Bearer {token}"},
        )
    data = info.get("data")
    if info.get("code") != 0 or not isinstance(data, dict):
        raise refused("feishu_user_info", info.get("code"))
    if config.org_id and data.get("tenant_key") != config.org_id:  # another company's Feishu
        raise SsoRefused("sso.refused", reason="feishu_tenant_key")
    return data
