"""The versioned REST API (`/api/v1`) for integrations: tenant API keys, scopes per resource,
problem details, idempotent writes, a rate per key. Routes are thin callers of the services.
Guide: docs/api.md."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.api.v1 import (
    cabinets,
    companies,
    docs,
    items,
    org,
    problems,
    quotas,
    withdrawals,
    workorders,
)
from app.api.v1.context import ApiSettings, ScopedDependency, caller
from app.api.v1.idempotency import HEADER, MAX_KEY
from app.api.v1.ratelimit import buckets_for
from app.core.config import get_settings

VERSION = "1.0.0"
ROUTERS = (companies, items, org, cabinets, withdrawals, workorders, quotas, docs)


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
    _with_problem_schema(api)
    return api


IDEMPOTENCY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY},
    "description": "Send the same value with a retry: the change is made once and the first "
    "reply is answered again (`Idempotent-Replayed: true`), for 24 hours.",
}


def _with_problem_schema(api: FastAPI) -> None:
    """The Problem schema the error responses refer to, in the document's components."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = generate()  # what it keeps as api.openapi_schema
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = problems.Problem.model_json_schema()
            return schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def _name_scopes(routes: list) -> None:
    """Each operation says in the OpenAPI document which key scope it needs (`x-scopes`) and
    which problems it may answer with."""
    for route in routes:
        if isinstance(route, APIRoute):
            calls = [d.call for d in route.dependant.dependencies]
            needs = [call.scope for call in calls if isinstance(call, ScopedDependency)]
            methods = route.methods or set()  # an APIRoute's are always set (GET by default)
            if caller in calls:  # any valid key may call it (the companies it reaches)
                route.openapi_extra = {"x-scopes": []}
                route.responses = {**problems.problem_responses(401, 429), **route.responses}
            if needs:
                route.openapi_extra = {"x-scopes": needs}
                if methods & {"POST", "PUT"}:
                    route.openapi_extra["parameters"] = [IDEMPOTENCY_PARAMETER]
                if "PUT" in methods:  # an upsert: 201 when it created the row
                    route.responses = {201: {"description": "Created"}, **route.responses}
                route.responses = {**problems.problem_responses(401, 403, 404, 422, 429),
                                   **route.responses}  # fmt: skip
