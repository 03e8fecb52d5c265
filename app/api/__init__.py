"""REST routes, mounted ahead of Reflex's on the same port: thin callers of services."""

from __future__ import annotations

from starlette.applications import Starlette

from app.api.auth import routes as auth_routes
from app.api.evidence import routes as evidence_routes
from app.api.org import routes as org_routes
from app.api.snapshots import routes as snapshot_routes


def build_api() -> Starlette:
    import app.models  # noqa: F401 - every table registered, also when served without Reflex

    return Starlette(routes=[*auth_routes, *org_routes, *snapshot_routes, *evidence_routes])
