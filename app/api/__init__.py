"""REST routes, mounted ahead of Reflex's on the same port: thin callers of services."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from app.api.alert_links import routes as alert_link_routes
from app.api.auth import routes as auth_routes
from app.api.evidence import routes as evidence_routes
from app.api.health import routes as health_routes
from app.api.metrics import routes as metrics_routes
from app.api.org import routes as org_routes
from app.api.snapshots import routes as snapshot_routes
from app.api.sso import routes as sso_routes
from app.api.v1 import build_v1


def build_api() -> Starlette:
    import app.models  # noqa: F401 - every table registered, also when served without Reflex

    return Starlette(
        routes=[
            *auth_routes,
            *sso_routes,
            *org_routes,
            *snapshot_routes,
            *evidence_routes,
            *alert_link_routes,
            *health_routes,
            *metrics_routes,
            Mount("/api/v1", app=build_v1()),
        ]
    )
