"""A local stand-in for WeCom (企业微信) implementing the documented endpoints of web OAuth for a
self-built app, with WeCom's own error codes: the authorization redirect (open.weixin), gettoken,
auth/getuserinfo and user/get (qyapi). Codes are single use and short-lived; access tokens can be
expired on purpose (`expire_tokens`) to see the client renew them.

For the org sync, the contacts API in its documented shapes: department/list (all departments,
or one and those below it with `id`) and user/list (a department's members, `department_id`).
`failures` makes a path answer with a WeCom errcode (60011: outside the app's visible range)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from app.sso.services.wecom import WecomEndpoints

OAUTH = "https://open.weixin.test"
API = "https://qyapi.weixin.test"


@dataclass
class WecomStandIn:
    corp_id: str
    agent_id: str
    secret: str
    trusted_domain: str  # the app's "可信域名": redirect_uri must be on it
    members: dict[str, dict] = field(default_factory=dict)  # userid -> user/get record
    signs_in: str | None = None  # the userid the phone's WeCom is signed in as (None: outsider)
    codes: dict[str, str | None] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    gettoken_calls: int = 0
    kind: str = "wecom"
    departments: list[dict] = field(default_factory=list)  # {id, name, parentid, order}
    failures: dict[str, int] = field(default_factory=dict)  # "/cgi-bin/…" -> errcode

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/connect/oauth2/authorize", self.authorize),
                Route("/cgi-bin/gettoken", self.gettoken),
                Route("/cgi-bin/auth/getuserinfo", self.getuserinfo),
                Route("/cgi-bin/user/get", self.user_get),
                Route("/cgi-bin/department/list", self.department_list),
                Route("/cgi-bin/user/list", self.user_list),
            ]
        )

    @property
    def bases(self) -> tuple[str, ...]:
        return (OAUTH, API)

    @property
    def endpoints(self) -> WecomEndpoints:
        return WecomEndpoints(oauth=OAUTH, api=API)

    def expire_tokens(self) -> None:
        self.tokens.clear()

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        redirect_uri = q.get("redirect_uri", "")
        if (
            q.get("appid") != self.corp_id
            or q.get("agentid") != self.agent_id
            or q.get("response_type") != "code"
            or q.get("scope") not in ("snsapi_base", "snsapi_privateinfo")
            or urlsplit(redirect_uri).hostname != self.trusted_domain
        ):
            return PlainTextResponse("redirect_uri 与配置的授权完成回调域名不一致", status_code=400)
        code = secrets.token_hex(16)
        self.codes[code] = self.signs_in
        query = urlencode({"code": code, "state": q.get("state", "")})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)

    async def gettoken(self, request: Request) -> Response:
        self.gettoken_calls += 1
        q = request.query_params
        if q.get("corpid") != self.corp_id:
            return JSONResponse({"errcode": 40013, "errmsg": "invalid corpid"})
        if q.get("corpsecret") != self.secret:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential"})
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        return JSONResponse(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        )

    def _token_error(self, request: Request) -> Response | None:
        if request.query_params.get("access_token") not in self.tokens:
            return JSONResponse({"errcode": 42001, "errmsg": "access_token expired"})
        if request.url.path in self.failures:
            code = self.failures[request.url.path]
            return JSONResponse({"errcode": code, "errmsg": "no privilege to access/modify"})
        return None

    def _department_ids(self) -> set[int]:
        return {d["id"] for d in self.departments}

    async def getuserinfo(self, request: Request) -> Response:
        if refused := self._token_error(request):
            return refused
        code = request.query_params.get("code", "")
        if code not in self.codes:
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        userid = self.codes.pop(code)  # single use
        if userid is None:  # not a member of the company
            return JSONResponse(
                {"errcode": 0, "errmsg": "ok", "openid": "oAAAA-outsider", "external_userid": "x"}
            )
        return JSONResponse({"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": "t"})

    async def user_get(self, request: Request) -> Response:
        if refused := self._token_error(request):
            return refused
        member = self.members.get(request.query_params.get("userid", ""))
        if member is None:
            return JSONResponse({"errcode": 60111, "errmsg": "userid not found"})
        return JSONResponse({"errcode": 0, "errmsg": "ok", **member})

    async def department_list(self, request: Request) -> Response:
        if refused := self._token_error(request):
            return refused
        wanted = request.query_params.get("id")
        rows = self.departments
        if wanted:
            if not wanted.isdigit() or int(wanted) not in self._department_ids():
                return JSONResponse({"errcode": 60123, "errmsg": "invalid party id"})
            below, grew = {int(wanted)}, True
            while grew:
                more = {d["id"] for d in self.departments if d["parentid"] in below}
                grew, below = not more <= below, below | more
            rows = [d for d in self.departments if d["id"] in below]
        return JSONResponse({"errcode": 0, "errmsg": "ok", "department": rows})

    async def user_list(self, request: Request) -> Response:
        if refused := self._token_error(request):
            return refused
        wanted = request.query_params.get("department_id", "")
        if not wanted.isdigit() or int(wanted) not in self._department_ids():
            return JSONResponse({"errcode": 60123, "errmsg": "invalid party id"})
        rows = [m for m in self.members.values() if int(wanted) in m.get("department", [])]
        return JSONResponse({"errcode": 0, "errmsg": "ok", "userlist": rows})
