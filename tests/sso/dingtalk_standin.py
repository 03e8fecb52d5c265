"""A local stand-in for DingTalk (钉钉) implementing the documented endpoints of the new-version
OAuth 2.0 login for an enterprise internal app, with DingTalk's own answers: the authorization
page (login.dingtalk.com/oauth2/auth, which comes back with `authCode`), userAccessToken,
contact/users/me and the app's accessToken (api.dingtalk.com: JSON bodies, errors as HTTP 4xx
with `{code, message}`), and topapi/user/getbyunionid (oapi.dingtalk.com: `{errcode, errmsg}`).

It checks what DingTalk requires of the caller: the registered redirect URL, JSON bodies with
the app's Client ID and secret, the person's token in `x-acs-dingtalk-access-token`, the app's
token as `access_token`. Codes are single use; app tokens can be expired on purpose
(`expire_tokens`) to see the client renew them. The `code` strings of the new-version errors
are illustrative: the client only needs them to be there.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from app.sso.services.dingtalk import DingtalkEndpoints

LOGIN = "https://login.dingtalk.test"
API = "https://api.dingtalk.test"
OAPI = "https://oapi.dingtalk.test"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "requestid": "stand-in"}, status)


async def _json(request: Request) -> dict:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return {}
    body = await request.json()
    return body if isinstance(body, dict) else {}


@dataclass
class DingtalkStandIn:
    client_id: str  # the internal app's Client ID (AppKey)
    client_secret: str
    corp_id: str  # the organisation the app belongs to
    redirect_uris: list[str]  # registered under 登录与分享
    people: dict[str, dict] = field(default_factory=dict)  # unionId -> users/me record
    members: dict[str, str] = field(default_factory=dict)  # unionId -> userid in the corp
    signs_in: str = ""  # the unionId of the DingTalk account approving on the phone
    chooses_corp: str = ""  # the organisation they pick (the app's own by default)
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # authCode -> (union, corp)
    user_tokens: dict[str, str] = field(default_factory=dict)  # token -> unionId
    app_tokens: set[str] = field(default_factory=set)
    app_token_calls: int = 0
    kind: str = "dingtalk"

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth2/auth", self.authorize),
                Route("/v1.0/oauth2/userAccessToken", self.user_token, methods=["POST"]),
                Route("/v1.0/contact/users/me", self.users_me),
                Route("/v1.0/oauth2/accessToken", self.app_token, methods=["POST"]),
                Route("/topapi/user/getbyunionid", self.getbyunionid, methods=["POST"]),
            ]
        )

    @property
    def bases(self) -> tuple[str, ...]:
        return (LOGIN, API, OAPI)

    @property
    def endpoints(self) -> DingtalkEndpoints:
        return DingtalkEndpoints(login=LOGIN, api=API, oapi=OAPI)

    def expire_tokens(self) -> None:
        self.app_tokens.clear()

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        scopes = set(q.get("scope", "").split())
        if (
            q.get("client_id") != self.client_id
            or q.get("response_type") != "code"
            or "openid" not in scopes
            or q.get("prompt") != "consent"
            or q.get("redirect_uri") not in self.redirect_uris
            or ("corpid" in scopes and not q.get("corpId"))
        ):
            return PlainTextResponse("无效的请求参数或回调地址未登记", status_code=400)
        code = secrets.token_hex(16)
        corp = (self.chooses_corp or self.corp_id) if "corpid" in scopes else ""
        self.codes[code] = (self.signs_in, corp)
        query = urlencode({"authCode": code, "state": q.get("state", "")})
        return RedirectResponse(f"{q['redirect_uri']}?{query}", status_code=302)

    async def user_token(self, request: Request) -> Response:
        body = await _json(request)
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return _error(400, "invalidClientIdOrSecret", "无效的clientId或clientSecret")
        if body.get("grantType") != "authorization_code" or body.get("code") not in self.codes:
            return _error(400, "invalidAuthCode", "不合法的临时授权码")
        union_id, corp = self.codes.pop(body["code"])  # single use
        token = secrets.token_urlsafe(24)
        self.user_tokens[token] = union_id
        grant = {"accessToken": token, "refreshToken": secrets.token_urlsafe(24), "expireIn": 7200}
        return JSONResponse({**grant, **({"corpId": corp} if corp else {})})

    async def users_me(self, request: Request) -> Response:
        union_id = self.user_tokens.get(request.headers.get("x-acs-dingtalk-access-token", ""))
        if union_id is None:
            return _error(401, "InvalidAuthentication", "不合法的access_token")
        return JSONResponse(self.people[union_id])

    async def app_token(self, request: Request) -> Response:
        self.app_token_calls += 1
        body = await _json(request)
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return _error(400, "invalidClientIdOrSecret", "无效的appKey或appSecret")
        token = secrets.token_urlsafe(24)
        self.app_tokens.add(token)
        return JSONResponse({"accessToken": token, "expireIn": 7200})

    async def getbyunionid(self, request: Request) -> Response:
        if request.query_params.get("access_token") not in self.app_tokens:
            return JSONResponse({"errcode": 40014, "errmsg": "不合法的access_token"})
        userid = self.members.get(str((await _json(request)).get("unionid", "")))
        if userid is None:
            return JSONResponse({"errcode": 60121, "errmsg": "找不到该用户"})
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "ok",
                "result": {"contact_type": 0, "userid": userid},
                "request_id": "stand-in",
            }
        )
