"""/docs: a self-contained page listing the API's operations from its OpenAPI document (the
usual Swagger/ReDoc pages load their scripts from a CDN, which a site may not reach). The full
description is `/api/v1/openapi.json`; the guide is docs/api.md."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "code{background:#f3f4f6;padding:0 .25rem}td{padding:.25rem .75rem;vertical-align:top}"
)


def operations_html(document: dict) -> str:
    rows = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            scopes = ", ".join(operation.get("x-scopes", []))
            rows.append(
                f"<tr><td><code>{escape(method.upper())}</code></td>"
                f"<td><code>/api/v1{escape(path)}</code></td>"
                f"<td>{escape(operation.get('summary', ''))}</td><td>{escape(scopes)}</td></tr>"
            )
    title = escape(document.get("info", {}).get("title", "API"))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
        "<p>OpenAPI 3: <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a></p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(operations_html(request.app.openapi()))
