"""Downloads of the people page: the import template and the export (same columns)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.guard import principal_for, request_locale
from app.core.db import run_in_session
from app.core.i18n import t
from app.org.services import importer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def template(request: Request) -> Response:
    principal = await principal_for(request, "user:import")
    if isinstance(principal, Response):
        return principal
    return _attachment(importer.template_xlsx(request_locale(request)), XLSX, "users-template.xlsx")


async def export(request: Request) -> Response:
    principal = await principal_for(request, "user:read")
    if isinstance(principal, Response):
        return principal
    locale = request_locale(request)
    if principal.active_tenant_id is None:
        key = "org.choose_tenant"
        return JSONResponse({"error": key, "message": t(key, locale)}, status_code=400)
    rows = await run_in_session(
        importer.export_table, scope=principal.scope, tenant_id=principal.active_tenant_id
    )
    if request.path_params["kind"] == "csv":
        return _attachment(importer.to_csv(rows, locale), "text/csv; charset=utf-8", "users.csv")
    return _attachment(importer.to_xlsx(rows, locale), XLSX, "users.xlsx")


routes = [
    Route("/api/org/users/template.xlsx", template, methods=["GET"]),
    Route("/api/org/users/export.{kind:str}", export, methods=["GET"]),
]
