"""The versioned REST API (`/api/v1`) for integrations: tenant API keys, scopes per resource,
problem details, idempotent writes, a rate per key. Routes are thin callers of the services.
Guide: docs/api.md."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.v1 import cabinets, docs, items, org, problems, quotas, withdrawals, workorders
from app.api.v1.context import ApiSettings
from app.api.v1.ratelimit import buckets_for
from app.core.config import get_settings

VERSION = "1.0.0"
ROUTERS = (items, org, cabinets, withdrawals, workorders, quotas, docs)


def build_v1(settings: ApiSettings | None = None) -> FastAPI:
    api = FastAPI(
        title="Cabinet cloud API",
        version=VERSION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        servers=[{"url": "/api/v1"}],
    )
    api.state.api = settings or ApiSettings(buckets=buckets_for(get_settings().redis_url))
    problems.install(api)
    for module in ROUTERS:
        _name_scopes(module.router.routes)
        api.include_router(module.router)
    return api


def _name_scopes(routes: list) -> None:
    """Each operation says in the OpenAPI document which key scope it needs (`x-scopes`) and
    which problems it may answer with."""
    for route in routes:
        if isinstance(route, APIRoute):
            needs = [d.call.scope for d in route.dependant.dependencies if hasattr(d.call, "scope")]
            if needs:
                route.openapi_extra = {"x-scopes": needs}
                route.responses = {**problems.problem_responses(401, 403, 404, 422, 429),
                                   **route.responses}  # fmt: skip
