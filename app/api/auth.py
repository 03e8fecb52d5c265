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
from app.auth import service, tokens
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import normalise_locale, t

MAX_FIELD = 128


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"


def _same_origin(request: Request) -> bool:
    """Refuse cross-site form posts (CSRF): Origin, when sent, must be this host."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == request.headers.get("host")


async def _credentials(request: Request) -> tuple[str, str, bool]:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        return (
            str(body.get("login", ""))[:MAX_FIELD],
            str(body.get("password", ""))[:MAX_FIELD],
            True,
        )
    form = await request.form()
    return str(form.get("login", ""))[:MAX_FIELD], str(form.get("password", ""))[:MAX_FIELD], False


def _locale(request: Request) -> str:
    return normalise_locale(request.cookies.get("locale"))


async def login(request: Request) -> Response:
    if not _same_origin(request):
        return JSONResponse({"error": "error.permission_denied"}, status_code=403)
    login_name, password, wants_json = await _credentials(request)
    try:
        signed = await run_in_session(
            service.sign_in,
            login=login_name,
            password=password,
            ip=_client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as refused:
        status = 429 if refused.key == "auth.locked" else 401
        if wants_json:
            message = t(refused.key, _locale(request), **refused.params)
            return JSONResponse({"error": refused.key, "message": message}, status_code=status)
        query = urlencode({"error": refused.key, **{k: str(v) for k, v in refused.params.items()}})
        return RedirectResponse(f"/login?{query}", status_code=303)
    response: Response = (
        JSONResponse({"ok": True, "display_name": signed.account.display_name})
        if wants_json
        else RedirectResponse("/", status_code=303)
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
    response: Response = (
        JSONResponse({"ok": True}) if wants_json else RedirectResponse("/login", 303)
    )
    clear_session_cookies(response)
    return response


routes = [
    Route("/api/auth/login", login, methods=["POST"]),
    Route("/api/auth/refresh", refresh, methods=["POST"]),
    Route("/api/auth/logout", logout, methods=["POST"]),
]
