"""The HTTP edge of the one port: what every request passes before Reflex or our routes see it.

- Origin: a browser request that names a foreign `Origin` is refused on the websocket (`/_event`,
  both transports), uploads and our REST routes. Allowed are the request's own host and the
  explicit `CORS_ORIGINS`; nothing else, so a page on another port of the same site can neither
  open a socket with the visitor's cookie nor read a response.
- Uploads (`/_upload`): refused before a byte of the body is read unless the request carries a
  valid session cookie, names a handler we accept uploads for, and declares a length within that
  handler's limit; the body is cut off if it runs past what it declared. The session is handed to
  the event gate, which runs the handler only if that session owns the tab
  (app/ui/identity.py).
- The REST API (`/api/v1/`) called with `Authorization: Bearer <key>` and no cookie skips the
  Origin check: without a cookie there is nothing for a foreign page to ride on.
- Every response carries the security headers (`headers.py`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.cookies import ACCESS_COOKIE, cookie_value
from app.api.headers import security_headers
from app.auth.services import tokens
from app.auth.services.principal import Principal, resolve_principal
from app.core.db import run_in_session
from app.core.i18n import DEFAULT_LOCALE, t
from app.ui.identity import UPLOADS

logger = logging.getLogger(__name__)
MB = 1024 * 1024
# Who may upload to which handler (module.Class.handler), and how much: anything else is
# refused. The handlers check the permission again; this is so a refusal costs no body.
UPLOAD_RULES: dict[str, tuple[str, int]] = {
    # the file caps behind them (app/org/services/importer.py, whitelist.py, items) plus multipart's
    # own
    "app.org.state.people_import.ImportState.upload": ("user:import", 11 * MB),  # people: 10 MiB
    "app.registration.state.whitelist.WhitelistState.upload": ("whitelist:write", 3 * MB),  # 2 MiB
    "app.items.state.items.ItemsState.upload": ("item:write", 3 * MB),  # an item's picture: 2 MiB
}
ORIGIN_CHECKED = ("/_event", "/_upload", "/api/")
API_V1 = "/api/v1/"
PROBLEM_CODE = "api.origin_refused"


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]


def _header(scope: Scope, name: bytes) -> str | None:
    values = _headers(scope, name)
    return values[0] if values else None


def _origins_allowed(scope: Scope, allowed: list[str]) -> bool:
    """Every Origin the request names must pass (a browser sends one; a crafted request may
    send a harmless one first and the real one after)."""
    host = _header(scope, b"host")
    origins: list[str | None] = [*_headers(scope, b"origin")] or [None]
    return all(origin_allowed(origin, host, allowed) for origin in origins)


def origin_allowed(origin: str | None, host: str | None, allowed: list[str]) -> bool:
    """A request without Origin (not sent by a browser page) passes; one with an Origin must be
    this host or listed. Scheme is not compared: a TLS-terminating proxy hides it."""
    if origin is None:
        return True
    if origin == "null":
        return False
    if origin in allowed:
        return True
    return host is not None and origin.split("://", 1)[-1].rstrip("/") == host


def _bearer_without_cookie(scope: Scope) -> bool:
    """A REST API call with its key in `Authorization` and no cookie carries no ambient
    credential a foreign page could ride on (no CSRF): its key decides, whatever its Origin."""
    return (
        scope["type"] == "http"
        and scope.get("path", "").startswith(API_V1)
        and (_header(scope, b"authorization") or "").lower().startswith("bearer ")
        and _header(scope, b"cookie") is None
    )


def upload_rule(handler: str) -> tuple[str, int] | None:
    """The permission and byte limit of an upload handler named as the browser names it
    (Reflex's event name), or None: not one we accept uploads for."""
    from reflex_base.registry import RegistrationContext

    try:
        registered = RegistrationContext.get().event_handlers.get(handler)
    except LookupError:
        return None
    if registered is None:
        return None
    fn = registered.handler.fn
    return UPLOAD_RULES.get(f"{fn.__module__}.{fn.__qualname__}")


async def _send_status(
    send: Send, status: int, reason: str, content_type: str = "text/plain; charset=utf-8"
) -> None:
    body = reason.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *security_headers(),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _signed_in(scope: Scope) -> Principal | None:
    """Who the request's cookie names, if that session is still valid."""
    claims = tokens.verify(
        cookie_value(_header(scope, b"cookie"), ACCESS_COOKIE), "access", check_expiry=False
    )
    if claims is None:
        return None
    principal = await run_in_session(resolve_principal, session_id=claims.session_id)
    if principal is None or principal.account_id != claims.account_id:
        return None
    return principal


def _bounded(receive: Receive, limit: int) -> Receive:
    """The body as received, cut off (as a disconnect) once it runs past `limit` bytes."""
    seen = 0

    async def bounded_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                logger.warning("upload ran past its declared length: cut off")
                return {"type": "http.disconnect"}
        return message

    return bounded_receive


class EdgeGuard:
    """ASGI middleware around the whole app (see the module's doc)."""

    def __init__(self, app: ASGIApp, allowed_origins: Callable[[], list[str]]) -> None:
        self.app = app
        self._allowed = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if (
            path.startswith(ORIGIN_CHECKED)
            and not _bearer_without_cookie(scope)
            and not _origins_allowed(scope, self._allowed())
        ):
            logger.warning(
                "refused %s %s from origin %s", scope["type"], path, _header(scope, b"origin")
            )
            await self._refuse(scope, receive, send, 403, "origin not allowed")
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        if path.rstrip("/") == "/_upload" and scope.get("method") == "POST":
            await self._upload(scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send))

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, why: str):
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope.get("path", "").startswith(API_V1):  # the API answers in problem details
            accept = (_header(scope, b"accept-language") or "").lower()
            locale = "en" if accept.startswith("en") else DEFAULT_LOCALE  # as problems.py
            problem = {"type": f"urn:cabinet-cloud:problem:{PROBLEM_CODE}", "title": "Forbidden",
                       "status": status, "detail": t(PROBLEM_CODE, locale),
                       "code": PROBLEM_CODE}  # fmt: skip
            await _send_status(send, status, json.dumps(problem), "application/problem+json")
            return
        await _send_status(send, status, why)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _header(scope, b"reflex-client-token") or ""
        handler = _header(scope, b"reflex-event-handler") or ""
        rule = upload_rule(handler)
        if not token or rule is None:
            await _send_status(send, 403, "upload not accepted")
            return
        permission, limit = rule
        principal = await _signed_in(scope)
        if principal is None:
            await _send_status(send, 401, "sign in first")
            return
        if not principal.can(permission):
            await _send_status(send, 403, "not allowed")
            return
        declared = _header(scope, b"content-length")
        if declared is None or not declared.isdigit():
            await _send_status(send, 411, "length required")
            return
        if int(declared) > limit:
            await _send_status(send, 413, f"upload larger than {limit // MB} MB")
            return
        session_id = principal.session_id
        UPLOADS.begin(token, handler, session_id)
        try:
            await self.app(scope, _bounded(receive, int(declared)), _with_headers(send))
        finally:
            UPLOADS.end(token, handler, session_id)


def _with_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = _add_headers(message)
        await send(message)

    return send_with_headers


def _add_headers(message: Message) -> Message:
    present = {name.lower() for name, _ in message.get("headers", [])}
    extra = [(name, value) for name, value in security_headers() if name not in present]
    return {**message, "headers": [*message.get("headers", []), *extra]}
