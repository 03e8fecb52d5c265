"""The session cookies: HttpOnly (scripts cannot read them), SameSite, Secure in production."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.responses import Response

from app.auth.services import tokens
from app.core.config import get_settings

ACCESS_COOKIE = "cc_access"
REFRESH_COOKIE = "cc_refresh"
REFRESH_PATH = "/api/auth"


def set_session_cookies(response: Response, access_token: str, refresh_token: str) -> None:
    # The access cookie outlives its token on purpose: the websocket keeps the cookie it was
    # opened with, so the browser's events and downloads are checked against the session row
    # (expiry, revocation) rather than the token's own 15 minutes.
    secure = get_settings().is_production
    response.set_cookie(
        ACCESS_COOKIE,
        access_token,
        max_age=int(tokens.REFRESH_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=int(tokens.REFRESH_TTL.total_seconds()),
        path=REFRESH_PATH,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH)


def cookie_value(cookie_header: str | None, name: str) -> str | None:
    """One cookie from a raw Cookie header (what the websocket handshake carried)."""
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None
