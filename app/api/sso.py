"""Sign-in through a company's own identity: leave for its provider, come back signed in.

Two doors, one shape. The company sign-in for admins (OpenID Connect, `/auth/sso/…`) and the
WeCom (企业微信) sign-in for employees on the phone (`/auth/wecom/…`):

- `GET <door>/{company}/start` sends the browser to the provider with a fresh state (OIDC: also
  nonce and PKCE challenge); what the callback needs to check travels in a short-lived,
  encrypted, HttpOnly cookie bound to this browser (a callback opened elsewhere is refused).
- `GET <door>/callback` verifies, signs the person in through the same session path as the
  password form (app/api/auth.py), and goes on to the page asked for. A refusal returns to the
  sign-in page (the console's or the phone's) with its reason, and is audited.
- `GET /auth/sso/start?company=…` starts the company sign-in from a typed code.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.api.cookies import set_session_cookies
from app.auth.next_path import PHONE_SIGN_IN, safe_next
from app.core.config import get_settings
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.sso import oidc, service, wecom, wecom_service
from app.sso.models import SsoIssuer, WecomApp
from app.sso.oidc import FLOW_TTL, Flow, SsoRefused
from app.sso.wecom import WecomEndpoints

logger = logging.getLogger(__name__)
FLOW_COOKIE = "cc_sso"
FLOW_PATH = "/auth/sso"
WECOM_COOKIE = "cc_wecom"
WECOM_PATH = "/auth/wecom"


@dataclass(frozen=True)
class Door:
    """One way in: its paths and cookie, where it returns, and the calls it makes."""

    path: str
    cookie: str
    sign_in_page: str
    home: str
    model: type[SsoIssuer] | type[WecomApp]
    config: Callable[..., Any]  # service: (session, tenant_code) -> config
    begin: Callable[[Any, str, str, datetime], Awaitable[tuple[str, Flow]]]
    complete: Callable[[Any, Flow, dict[str, str], str, datetime], Awaitable[dict[str, Any]]]
    sign_in: Callable[..., Any]  # service: (session, tenant_id, claims, ip, user_agent, now)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"


def _redirect_uri(request: Request, door: Door) -> str:
    """What is registered at the provider: this site's callback (docs/sso.md)."""
    return str(request.base_url).rstrip("/") + door.path + "/callback"


def _refused(door: Door, refusal: DomainError, company: str = "") -> Response:
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
                model=door.model,
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


def sso_routes(
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Callable[[], datetime] = _now,
    wecom_endpoints: WecomEndpoints | None = None,
) -> list[Route]:
    """The routes; `transport` carries their calls to providers (tests serve them in-process),
    the network by default; `clock` is the time tokens are checked at; `wecom_endpoints` the
    WeCom base URLs (WeCom's own by default)."""
    endpoints = wecom_endpoints or WecomEndpoints()
    company_door = Door(
        path=FLOW_PATH,
        cookie=FLOW_COOKIE,
        sign_in_page="/login",
        home="/",
        model=SsoIssuer,
        config=service.issuer_config,
        begin=lambda config, uri, nxt, now: oidc.start(
            config=config, redirect_uri=uri, next_path=nxt, now=now, transport=transport
        ),
        complete=lambda config, flow, params, uri, now: oidc.finish(
            config=config, flow=flow, params=params, redirect_uri=uri, now=now, transport=transport
        ),
        sign_in=service.sign_in,
    )

    async def wecom_begin(config, uri: str, nxt: str, now: datetime) -> tuple[str, Flow]:
        return wecom.start(
            config=config, redirect_uri=uri, next_path=nxt, now=now, endpoints=endpoints
        )

    wecom_door = Door(
        path=WECOM_PATH,
        cookie=WECOM_COOKIE,
        sign_in_page=PHONE_SIGN_IN,
        home="/m",
        model=WecomApp,
        config=wecom_service.wecom_config,
        begin=wecom_begin,
        complete=lambda config, flow, params, _uri, _now: wecom.finish(
            config=config, flow=flow, params=params, endpoints=endpoints, transport=transport
        ),
        sign_in=wecom_service.sign_in,
    )

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
        *_door_routes(wecom_door, clock),
    ]


routes = sso_routes()
