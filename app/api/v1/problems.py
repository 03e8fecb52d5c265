"""Errors of the REST API as RFC 9457 problem details (`application/problem+json`): `type`,
`title`, `status`, `detail`, and `errors` naming the fields at fault. Our domain errors keep
their translation key (in `type` and `code`) and their message (in `detail`), in the caller's
`Accept-Language` (zh-CN unless English is asked for)."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from app.core.errors import DomainError, NotFoundError, PermissionDeniedError, ValidationError
from app.core.i18n import DEFAULT_LOCALE, t

PROBLEM = "application/problem+json"
TYPE_PREFIX = "urn:cabinet-cloud:problem:"


def title_of(status: int) -> str:
    """The status's reason phrase as RFC 9110 names it (Python's is RFC 4918's for 422)."""
    return "Unprocessable Content" if status == 422 else HTTPStatus(status).phrase


class Problem(BaseModel):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of the problems an operation may answer with."""
    return {
        status: {
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            "description": title_of(status),
        }
        for status in statuses
    }


class ApiProblem(Exception):
    """A refusal of the API itself (no key, missing scope, rate limit, idempotency clash)."""

    def __init__(self, status: int, key: str, headers: dict[str, str] | None = None, **params):
        self.status, self.key, self.headers, self.params = status, key, headers or {}, params
        super().__init__(key)


def caller_locale(request: Request) -> str:
    wanted = (request.headers.get("accept-language") or "").lower()
    return "en" if wanted.startswith("en") else DEFAULT_LOCALE


def _detail(key: str, locale: str, params: dict[str, Any]) -> str:
    try:
        return t(key, locale, **params)
    except (KeyError, IndexError):  # a message naming a parameter the error did not carry
        return t(key, locale)


def problem(
    status: int,
    key: str,
    locale: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    **params: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + key,
        "title": title_of(status),
        "status": status,
        "detail": _detail(key, locale, params),
        "code": key,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


# a field whose generic label (`field.<name>`) would name another thing on this resource's path
FIELD_LABELS = {
    ("items", "name"): "api.field.item_name",
    ("departments", "name"): "api.field.department_name",
}


def _labelled(request: Request, params: Mapping[str, Any]) -> dict[str, Any]:
    """The error's parameters with its field named as the resource of the path knows it."""
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    resource = path.strip("/").split("/")[0]
    label = FIELD_LABELS.get((resource, str(params.get("field"))))
    if label is None:
        return dict(params)
    return {**params, "field": t(label, caller_locale(request))}


def _status_of(error: DomainError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, PermissionDeniedError):
        return 403
    return 422


async def _domain(request: Request, error: DomainError) -> JSONResponse:
    if isinstance(error, NotFoundError):  # its message names our tables: say it the API's way
        return problem(404, "api.not_found", caller_locale(request))
    field = error.params.get("field")
    errors = [{"field": field, "code": error.key}] if field else None
    if isinstance(error, ValidationError) and not errors:
        errors = [{"field": None, "code": error.key}]
    params = _labelled(request, error.params)
    return problem(_status_of(error), error.key, caller_locale(request), errors=errors, **params)


async def _api(request: Request, error: ApiProblem) -> JSONResponse:
    return problem(
        error.status, error.key, caller_locale(request), headers=error.headers, **error.params
    )


async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _field_of(e), "code": e.get("type", "invalid"), "message": e.get("msg", "")}
        for e in error.errors()
    ]
    first = _labelled(request, {"field": errors[0]["field"] if errors else ""})
    return problem(422, "error.validation", caller_locale(request), errors=errors, **first)


def _field_of(error: Mapping[str, Any]) -> str:
    """The field a pydantic error names; "body" for a body that is not JSON at all (pydantic's
    location is then the character where decoding failed)."""
    if error.get("type") == "json_invalid":
        return "body"
    return ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))


async def _http(request: Request, error: HTTPException) -> JSONResponse:
    key = {405: "api.method_not_allowed"}.get(error.status_code, "error.generic")
    if error.status_code == 404:
        key = "api.no_such_path"
    return problem(error.status_code, key, caller_locale(request), headers=error.headers)


def install(app: FastAPI) -> None:
    # Starlette types a handler as taking any Exception, not the class it is installed for.
    app.add_exception_handler(DomainError, _domain)  # type: ignore[arg-type]
    app.add_exception_handler(ApiProblem, _api)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
