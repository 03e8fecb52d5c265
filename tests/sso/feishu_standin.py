"""A local stand-in for Feishu (飞书) implementing the documented endpoints of a web app's user
authorization for a custom app, with Feishu's own error codes: the authorization page
(accounts.feishu.cn/open-apis/authen/v1/authorize), the OAuth token endpoint (open.feishu.cn/
open-apis/authen/v2/oauth/token, RFC 6749 with PKCE) and user_info (open-apis/authen/v1/
user_info).

It checks what Feishu requires of the caller: the registered redirect URL (and the same one at
the token endpoint), scopes the app was granted, the app's ID and secret in a JSON body, the
PKCE verifier matching the challenge, the person's token as a Bearer. Codes are single use;
user_info returns the fields the token's scopes allow, as Feishu does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from app.sso.services.feishu import FeishuEndpoints

ACCOUNTS = "https://accounts.feishu.test"
OPEN = "https://open.feishu.test"
# which user_info fields each permission returns (the rest are always there)
FIELDS_BY_SCOPE = {
    "contact:user.employee_id:readonly": "user_id",
    "contact:user.employee:readonly": "employee_no",
    "contact:user.phone:readonly": "mobile",
}


@dataclass(frozen=True)
class Grant:
    open_id: str
    redirect_uri: str
    challenge: str
    scopes: frozenset[str]


def _token_error(code: int, error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"code": code, "error": error, "error_description": description}, status)


@dataclass
class FeishuStandIn:
    app_id: str
    app_secret: str
    redirect_uris: list[str]  # registered under 安全设置 → 重定向 URL
    granted: set[str] = field(default_factory=lambda: set(FIELDS_BY_SCOPE))  # enabled scopes
    users: dict[str, dict] = field(default_factory=dict)  # open_id -> full user_info data
    signs_in: str = ""  # the open_id of the Feishu account approving on the phone
    declines: bool = False  # the person taps "reject" on the consent page
    resigned: set[str] = field(default_factory=set)  # open_ids Feishu says have left
    unavailable: bool = False  # the token endpoint answers 503 (Feishu's 20072)
    codes: dict[str, Grant] = field(default_factory=dict)
    user_tokens: dict[str, Grant] = field(default_factory=dict)
    kind: str = "feishu"

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/open-apis/authen/v1/authorize", self.authorize),
                Route("/open-apis/authen/v2/oauth/token", self.token, methods=["POST"]),
                Route("/open-apis/authen/v1/user_info", self.user_info),
            ]
        )

    @property
    def bases(self) -> tuple[str, ...]:
        return (ACCOUNTS, OPEN)

    @property
    def endpoints(self) -> FeishuEndpoints:
        return FeishuEndpoints(accounts=ACCOUNTS, open=OPEN)

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        scopes = frozenset(q.get("scope", "").split())
        if (
            q.get("client_id") != self.app_id
            or q.get("response_type") != "code"
            or q.get("redirect_uri") not in self.redirect_uris
        ):
            return PlainTextResponse("错误码 20029：redirect_uri 请求不合法", status_code=400)
        if not scopes <= self.granted:
            return PlainTextResponse("错误码 20027：当前应用未申请相关权限", status_code=400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return PlainTextResponse("PKCE 参数不合法", status_code=400)
        back = {"state": q.get("state", "")}
        if self.declines:
            back["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(32)
            grant = Grant(self.signs_in, q["redirect_uri"], q["code_challenge"], scopes)
            self.codes[code] = grant
            back["code"] = code
        return RedirectResponse(f"{q['redirect_uri']}?{urlencode(back)}", status_code=302)

    async def token(self, request: Request) -> Response:
        if self.unavailable:
            return _token_error(20072, "server_error", "Temporarily unavailable.", status=503)
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _token_error(20063, "invalid_request", "The request is malformed.")
        body = await request.json()
        if body.get("grant_type") != "authorization_code":
            return _token_error(20036, "unsupported_grant_type", "grant_type is not supported.")
        if body.get("client_id") != self.app_id or body.get("client_secret") != self.app_secret:
            return _token_error(20002, "invalid_client", "The client secret is invalid.")
        grant = self.codes.pop(str(body.get("code", "")), None)  # single use
        if grant is None:
            return _token_error(20003, "invalid_grant", "The authorization code is not found.")
        if body.get("redirect_uri") != grant.redirect_uri:
            return _token_error(20071, "invalid_grant", "The redirect URI does not match.")
        if create_s256_code_challenge(str(body.get("code_verifier", ""))) != grant.challenge:
            return _token_error(20049, "invalid_grant", "PKCE code challenge failed.")
        token = secrets.token_urlsafe(32)
        self.user_tokens[token] = grant
        return JSONResponse(
            {
                "code": 0,
                "access_token": token,
                "expires_in": 7200,
                "token_type": "Bearer",
                "scope": " ".join(sorted(grant.scopes)),
            }
        )

    async def user_info(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = self.user_tokens.get(token) if scheme == "Bearer" else None
        if grant is None:
            return JSONResponse({"code": 20005, "msg": "The user access token passed is invalid"})
        if grant.open_id in self.resigned:
            return JSONResponse({"code": 20021, "msg": "User resigned"})
        data = dict(self.users[grant.open_id])
        for scope, name in FIELDS_BY_SCOPE.items():
            if scope not in grant.scopes:
                data.pop(name, None)
        return JSONResponse({"code": 0, "msg": "success", "data": data})
