"""`GET /api/health`: this web worker answers, and reaches the database.

Behind one port several web workers answer in turn; the pid says which one did (the
supervisor, app/ops/prod_local.py, and compose.yaml's healthcheck ask it). Reflex's own
`/ping` and `/_health` (Redis) stay as they are.
"""

from __future__ import annotations

import os

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.core.db import run_in_session


def _database_answers(*, session) -> bool:
    return session.execute(text("SELECT 1")).scalar() == 1


async def health(_request: Request) -> JSONResponse:
    try:
        database = await run_in_session(_database_answers)
    except Exception:  # an unreachable database is an unhealthy answer, not a 500
        database = False
    body = {"process": "web", "pid": os.getpid(), "ok": database, "database": database}
    return JSONResponse(body, status_code=200 if database else 503)


routes = [Route("/api/health", health, methods=["GET"])]
