"""A process's own health endpoint for the processes that serve no HTTP (arq worker, gateway).

`HEALTH_PORT` set: `GET /health` on that port answers 200 `{"process": ..., "pid": ..., "ok":
true, ...}` while the process's own check passes, 503 when it fails; unset: nothing listens. A
supervisor (app/ops/prod_local.py) or a container healthcheck (compose.yaml) asks it. It is a few
lines of asyncio rather than a web framework, so that a worker or gateway carries no extra stack.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)
HEALTH_PATH = "/health"
HealthCheck = Callable[[], Awaitable[dict[str, object]]]


def health_port() -> int | None:
    """The HEALTH_PORT this process answers on, or None (no endpoint)."""
    raw = os.environ.get("HEALTH_PORT", "").strip()
    return int(raw) if raw else None


def _reply(status: int, body: dict[str, object]) -> bytes:
    payload = json.dumps(body).encode()
    reason = "OK" if status == 200 else ("Not Found" if status == 404 else "Service Unavailable")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + payload


async def _answer(
    process: str, check: HealthCheck, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        request_line = (await asyncio.wait_for(reader.readline(), 5)).decode("latin-1")
        parts = request_line.split()
        if len(parts) < 2 or parts[1].split("?")[0] != HEALTH_PATH:
            writer.write(_reply(404, {"error": "not found", "path": HEALTH_PATH}))
            return
        try:
            details = await asyncio.wait_for(check(), 5)
        except Exception as error:  # a failing check is an unhealthy answer, not a crash
            details = {"ok": False, "error": repr(error)}
        body = {"process": process, "pid": os.getpid(), "ok": True, **details}
        writer.write(_reply(200 if body["ok"] else 503, body))
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve_health(process: str, check: HealthCheck, port: int) -> asyncio.Server:
    """Listen on `port` (all interfaces: a container's healthcheck and a supervisor reach it)."""
    server = await asyncio.start_server(
        lambda r, w: _answer(process, check, r, w), host="0.0.0.0", port=port
    )
    logger.info("%s health endpoint on :%s%s", process, port, HEALTH_PATH)
    return server
