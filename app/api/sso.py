"""Sign-in through a company's own identity: leave for its provider, come back signed in.

Doors of one shape. The company sign-in for admins (OpenID Connect, `/auth/sso/…`) and, for
employees on the phone, one per workplace IM: WeCom 企业微信 (`/auth/wecom/…`), DingTalk 钉钉
(`/auth/dingtalk/…`) and Feishu 飞书 (`/auth/feishu/…`):

- `GET <door>/{company}/start` sends the browser to the provider with a fresh state (OIDC: also
  nonce and PKCE challenge, Feishu: a PKCE challenge); what the callback needs to check
  travels in a short-lived, encrypted, HttpOnly cookie bound to this browser (a callback
  opened elsewhere is refused).
- `GET <door>/callback` verifies, signs the person in through the same session path as the
  password form (app/api/auth.py), and goes on to the page asked for. A refusal returns to the
  sign-in page (the console's or the phone's) with its reason, and is audited.
- `GET /auth/sso/start?company=…` starts the company sign-in from a typed code.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.api.cookies import set_session_cookies
from app.auth.services.next_path import PHONE_SIGN_IN, safe_next
from app.core.config import get_settings
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.metrics import observe
from app.sso.services import dingtalk, feishu, im_service, oidc, wecom
from app.sso.services import sso as service
from app.sso.services.dingtalk import DingtalkEndpoints
from app.sso.services.feishu import FeishuEndpoints
from app.sso.services.im_service import PROVIDERS, ImProvider
from app.sso.services.oidc import FLOW_TTL, Flow, SsoRefused
from app.sso.services.wecom import WecomEndpoints

logger = logging.getLogger(__name__)
FLOW_COOKIE = "cc_sso"
FLOW_PATH = "/auth/sso"
# each IM's protocol module (start, finish) and the vendor's own base URLs
IM_PROTOCOLS: dict[str, tuple[Any, Any]] = {
    "wecom": (wecom, WecomEndpoints()),
    "dingtalk": (dingtalk, DingtalkEndpoints()),
    "feishu": (feishu, FeishuEndpoints()),
}


@dataclass(frozen=True)
class Door:
    """One way in: its paths and cookie, where it returns, and the calls it makes."""

    path: str
    cookie: str
    sign_in_page: str
    home: str
    refusal_row: service.RowOf  # the tenant's provider, whose audit log a refusal goes to
    config: Callable[..., Any]  # service: (session, tenant_code) -> config
    begin: Callable[[Any, str, str, datetime], Awaitable[tuple[str, Flow]]]
    complete: Callable[[Any, Flow, dict[str, str], str, datetime], Awaitable[dict[str, Any]]]
    sign_in: Callable[..., Any]  # service: (session, tenant_id, claims, ip, user_agent, now)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"


def _redirect_uri(request: Request, door: Door) -> str:
    """What is registered at the provider: this site's callback (docs/sso.md)."""
    base = get_settings().public_url or str(request.base_url).rstrip("/")
    return base + door.path + "/callback"


def _refused(door: Door, refusal: DomainError, company: str = "") -> Response:
    observe.login_failed(refusal.key)
    query = {"error": refusal.key, **({"company": company} if company else {})}
    response = RedirectResponse(f"{door.sign_in_page}?{urlencode(query)}", status_code=303)
    response.delete_cookie(door.cookie, path=door.path)
    return response


def _door_routes(door: Door, clock: Callable[[], datetime]) -> list[Route]:
    async def start(request: Request) -> Response:
        company = request.path_params["company"][:32]
        now = clock()
        try:
            config = await run_in_session(door.config, tenant_code=company)
            next_path = safe_next(request.query_params.get("next")) or door.home
            url, flow = await door.begin(config, _redirect_uri(request, door), next_path, now)
        except SsoRefused as refusal:
            logger.warning("sign-in start at %s refused for %s: %s", door.path, company, refusal)
            return _refused(door, refusal, company)
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(
            door.cookie,
            flow.seal(),
            max_age=int(FLOW_TTL.total_seconds()),
            path=door.path,
            httponly=True,
            samesite="lax",  # sent on the provider's top-level redirect back to us
            secure=get_settings().is_production,
        )
        return response

    async def callback(request: Request) -> Response:
        now = clock()
        flow = Flow.unseal(request.cookies.get(door.cookie), now)
        if flow is None:  # none started in this browser, or it took too long
            return _refused(door, SsoRefused("sso.refused", reason="no_flow"))
        ip = _client_ip(request)
        try:
            config = await run_in_session(door.config, tenant_code=flow.tenant_code)
            params = dict(request.query_params)
            claims = await door.complete(config, flow, params, _redirect_uri(request, door), now)
        except SsoRefused as refusal:
            logger.warning("sign-in at %s refused for %s: %s", door.path, flow.tenant_code, refusal)
            await run_in_session(
                service.record_refusal,
                tenant_code=flow.tenant_code,
                refusal=refusal,
                ip=ip,
                row_of=door.refusal_row,
            )
            return _refused(door, refusal, flow.tenant_code)
        try:
            signed = await run_in_session(
                door.sign_in,
                tenant_id=config.tenant_id,
                claims=claims,
                ip=ip,
                user_agent=request.headers.get("user-agent"),
                now=now,
            )
        except DomainError as refusal:
            return _refused(door, refusal, flow.tenant_code)
        response = RedirectResponse(safe_next(flow.next_path) or door.home, status_code=303)
        response.delete_cookie(door.cookie, path=door.path)
        set_session_cookies(response, signed.access_token, signed.refresh_token)
        return response

    return [
        Route(door.path + "/callback", callback, methods=["GET"]),
        Route(door.path + "/{company}/start", start, methods=["GET"]),
    ]


def _now() -> datetime:
    return datetime.now(UTC)


def _im_door(
    chosen: ImProvider, transport: httpx.AsyncBaseTransport | None, endpoints: Any
) -> Door:
    """The phone's sign-in through one IM (`endpoints`: its base URLs)."""
    kind = chosen.kind.value
    protocol = IM_PROTOCOLS[kind][0]

    async def begin(config, uri: str, nxt: str, now: datetime) -> tuple[str, Flow]:
        return protocol.start(
            config=config, redirect_uri=uri, next_path=nxt, now=now, endpoints=endpoints
        )

    async def complete(config, flow: Flow, params: dict, uri: str, _now: datetime) -> dict:
        return await protocol.finish(
            config=config,
            flow=flow,
            params=params,
            redirect_uri=uri,
            endpoints=endpoints,
            transport=transport,
        )

    return Door(
        path=chosen.path,
        cookie=f"cc_{kind}",
        sign_in_page=PHONE_SIGN_IN,
        home="/m",
        refusal_row=partial(im_service.im_row, kind=kind),
        config=partial(im_service.im_config, kind=kind),
        begin=begin,
        complete=complete,
        sign_in=partial(im_service.sign_in, kind=kind),
    )


def sso_routes(
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] = _now,
    im_endpoints: Mapping[str, Any] | None = None,
) -> list[Route]:
    """The routes; `transport` carries their calls to providers (tests serve them in-process),
    the network by default; `clock` is the time tokens are checked at; `im_endpoints` the base
    URLs of an IM by kind (`WecomEndpoints`, …; the vendor's own by default)."""
    company_door = Door(
        path=FLOW_PATH,
        cookie=FLOW_COOKIE,
        sign_in_page="/login",
        home="/",
        refusal_row=service.issuer_row,
        config=service.issuer_config,
        begin=lambda config, uri, nxt, now: oidc.start(
            config=config, redirect_uri=uri, next_path=nxt, now=now, transport=transport
        ),
        complete=lambda config, flow, params, uri, now: oidc.finish(
            config=config, flow=flow, params=params, redirect_uri=uri, now=now, transport=transport
        ),
        sign_in=service.sign_in,
    )
    endpoints = {kind: default for kind, (_, default) in IM_PROTOCOLS.items()}
    endpoints.update(im_endpoints or {})
    im_doors = [_im_door(chosen, transport, endpoints[kind]) for kind, chosen in PROVIDERS.items()]

    async def choose(request: Request) -> Response:
        company = request.query_params.get("company", "").strip()[:32]
        if not company:
            return _refused(company_door, SsoRefused("sso.not_configured"))
        nxt = safe_next(request.query_params.get("next"))
        query = f"?{urlencode({'next': nxt})}" if nxt else ""
        return RedirectResponse(f"{FLOW_PATH}/{quote(company, safe='')}/start{query}", 303)

    return [
        Route(f"{FLOW_PATH}/start", choose, methods=["GET"]),
        *_door_routes(company_door, clock),
        *(route for door in im_doors for route in _door_routes(door, clock)),
    ]


routes = sso_routes()
