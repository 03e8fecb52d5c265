"""Sign-in routes. The browser posts the login form here (not over the websocket) so the
session can live in HttpOnly cookies; JSON clients get JSON, forms get a redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.api.cookies import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    clear_session_cookies,
    set_session_cookies,
)
from app.auth.services import auth as service
from app.auth.services import tokens
from app.auth.services.next_path import PHONE_HOME, PHONE_SIGN_IN, next_from_referer, safe_next
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import normalise_locale, t
from app.metrics import observe

MAX_FIELD = 128


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"


def _same_origin(request: Request) -> bool:
    """Refuse cross-site form posts (CSRF): Origin, when sent, must be this host."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == request.headers.get("host")


async def _fields(request: Request) -> tuple[dict, bool]:
    """The posted fields, and whether the client speaks JSON."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            body = {}
        return (body if isinstance(body, dict) else {}), True
    return dict(await request.form()), False


def _field(fields: dict, name: str) -> str:
    return str(fields.get(name, ""))[:MAX_FIELD]


def _sign_in_page(fields: dict) -> str:
    """The sign-in page the form was posted from (the phone's, or the console's)."""
    return PHONE_SIGN_IN if fields.get("page") == "phone" else "/login"


def _return_path(request: Request, fields: dict) -> str | None:
    """Where a sign-in goes on to: the form's `next`, else the sign-in page's own `next` (a form
    submitted before the page filled its hidden field), else nothing."""
    return safe_next(fields.get("next")) or next_from_referer(
        request.headers.get("referer"), request.headers.get("host")
    )


def _home(fields: dict) -> str:
    """Where a sign-in without a `next` lands: the phone's page from the phone's sign-in."""
    return PHONE_HOME if fields.get("page") == "phone" else "/"


def _locale(request: Request) -> str:
    return normalise_locale(request.cookies.get("locale"))


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "error.permission_denied"}, status_code=403)
    fields, wants_json = await _fields(request)
    back = _return_path(request, fields)  # the page to return to, e.g. a scanned cabinet's
    try:
        signed = await run_in_session(
            service.sign_in,
            login=_field(fields, "login"),
            password=_field(fields, "password"),
            ip=_client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as refused:
        observe.login_failed(refused.key)
        status = 429 if refused.key == "auth.locked" else 401
        if wants_json:
            message = t(refused.key, _locale(request), **refused.params)
            return JSONResponse({"error": refused.key, "message": message}, status_code=status)
        params = {"error": refused.key, **{k: str(v) for k, v in refused.params.items()}}
        query = urlencode({**params, **({"next": back} if back else {})})
        return RedirectResponse(f"{_sign_in_page(fields)}?{query}", status_code=303)
    response: Response = (
        JSONResponse({"ok": True, "display_name": signed.account.display_name})
        if wants_json
        else RedirectResponse(back or _home(fields), status_code=303)
    )
    set_session_cookies(response, signed.access_token, signed.refresh_token)
    return response


async def refresh(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "error.permission_denied"}, status_code=403)
    rotated = await run_in_session(
        service.refresh,
        refresh_token=request.cookies.get(REFRESH_COOKIE, ""),
        ip=_client_ip(request),
    )
    if rotated is None:
        response = JSONResponse({"error": "auth.expired"}, status_code=401)
        clear_session_cookies(response)
        return response
    response = JSONResponse({"ok": True})
    set_session_cookies(response, *rotated)
    return response


async def logout(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "error.permission_denied"}, status_code=403)
    claims = tokens.verify(request.cookies.get(ACCESS_COOKIE), "access", check_expiry=False)
    if claims is not None:
        await run_in_session(service.sign_out, session_id=claims.session_id, ip=_client_ip(request))
    wants_json = request.headers.get("accept", "").startswith("application/json")
    fields = {} if wants_json else dict(await request.form())
    response: Response = (
        JSONResponse({"ok": True}) if wants_json else RedirectResponse(_sign_in_page(fields), 303)
    )
    clear_session_cookies(response)
    return response


routes = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/refresh", refresh, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
]
