"""Who is calling a REST route: the same session cookie and checks as the websocket events."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.api.cookies import ACCESS_COOKIE
from app.auth.services import tokens
from app.auth.services.principal import Principal, resolve_principal
from app.core.db import run_in_session
from app.core.i18n import normalise_locale, t


def request_locale(request: Request) -> str:
    return normalise_locale(request.cookies.get("locale"))


async def principal_for(request: Request, permission: str) -> Principal | Response:
    """The caller if signed in and holding `permission`; otherwise the 401/403 response."""
    claims = tokens.verify(request.cookies.get(ACCESS_COOKIE), "access", check_expiry=False)
    principal = (
        None
        if claims is None
        else await run_in_session(resolve_principal, session_id=claims.session_id)
    )
    locale = request_locale(request)
    if claims is None or principal is None or principal.account_id != claims.account_id:
        key = "auth.sign_in_required"
        return JSONResponse({"error": key, "message": t(key, locale)}, status_code=401)
    if not principal.can(permission):
        key = "error.permission_denied"
        return JSONResponse({"error": key, "message": t(key, locale)}, status_code=403)
    return principal
