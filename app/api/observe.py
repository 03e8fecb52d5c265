"""The outermost layer of the web app: every HTTP request gets a request id (the client's
X-Request-ID if it is a sane one, else a new one), echoed in the response and bound to the log
lines written while serving it (app/core/logs.py); requests are counted and timed by area of
the site, open websockets counted. No path becomes a label: the areas are a fixed few."""

from __future__ import annotations

import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.logs import bound
from app.metrics import registry as m

REQUEST_ID_HEADER = b"x-request-id"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
AREAS = (
    ("/api/v1/", "api_v1"),
    ("/api/", "api"),
    ("/_event", "event"),
    ("/_upload", "upload"),
    ("/metrics", "metrics"),
)


def area_of(path: str) -> str:
    for prefix, area in AREAS:
        if path.startswith(prefix):
            return area
    return "page"  # the pages, static files, /ping


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name.lower() == REQUEST_ID_HEADER:
            given = value.decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(given):
                return given
            break
    return secrets.token_hex(8)


class RequestContext:
    """ASGI middleware (see the module's doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            m.WEBSOCKET_CLIENTS.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                m.WEBSOCKET_CLIENTS.dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        area = area_of(scope.get("path", ""))
        started = time.perf_counter()
        status = 500  # what a request that raised before answering counts as

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER
                ]
                message = {
                    **message,
                    "headers": [*headers, (REQUEST_ID_HEADER, request_id.encode())],
                }
                m.HTTP_SECONDS.labels(area).observe(time.perf_counter() - started)
            await send(message)

        # whatever a route binds (the API key's tenant) ends with the request
        with bound(request_id=request_id, tenant_id=None, cabinet_id=None):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                m.HTTP_REQUESTS.labels(area, f"{status // 100}xx").inc()
