"""GET /metrics: the web process's Prometheus metrics (docs/operations.md).

Served to a scraper on this machine (loopback, and no proxy header: a reverse proxy on the same
box makes every visitor look local) or to one that sends `Authorization: Bearer <METRICS_TOKEN>`.
Anyone else gets 404 when no token is set (the route is not theirs to find) and 403 when it is.
"""

from __future__ import annotations

import asyncio
import hmac
from ipaddress import ip_address

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from app.core.config import get_settings
from app.metrics.exposition import render

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _token_matches(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


async def metrics(request: Request) -> Response:
    token = get_settings().metrics_token
    if not (_loopback(request) or (token and _token_matches(request, token))):
        return PlainTextResponse("forbidden", 403) if token else PlainTextResponse("not found", 404)
    body, content_type = await asyncio.to_thread(render)  # the queue depth may ask Redis
    return Response(body, media_type=content_type)


routes = [Route("/metrics", metrics, methods=["GET"])]
