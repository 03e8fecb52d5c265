"""Who is calling the API: the `Authorization: Bearer cck_…` key, checked once per request
(known, live, within its rate), then each route's scope (`require_scope("items:write")`) in one
dependency. The key's tenant is the caller's whole world (`TenantScope`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from app.api.v1.problems import ApiProblem
from app.api.v1.ratelimit import SharedTokenBuckets, TokenBuckets, retry_after
from app.apikeys.service import KeyRefused, authenticate, key_scope
from app.core.db import run_in_session
from app.core.records import Actor
from app.core.tenancy import TenantScope


class Body(BaseModel):
    """A request body: a field we do not know is refused (422 naming it), never ignored — an
    integration's typo or a field we do not keep must not look accepted."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ApiCaller:
    key_id: int
    tenant_id: int
    scopes: frozenset[str]
    scope: TenantScope
    actor: Actor


@dataclass
class ApiSettings:
    """What the API app runs on: the database, the rate buckets and the clock (tests inject)."""

    engine: Engine | None = None
    buckets: TokenBuckets | SharedTokenBuckets | None = None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


def settings_of(request: Request) -> ApiSettings:
    return request.app.state.api


async def run(request: Request, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """One unit of work for a service call, on the API's database."""
    return await run_in_session(fn, in_engine=settings_of(request).engine, **kwargs)


BEARER = HTTPBearer(auto_error=False, bearerFormat="cck_<prefix>_<secret>")


async def caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(BEARER)
) -> ApiCaller:
    settings = settings_of(request)
    if credentials is None or not credentials.credentials.strip():
        raise ApiProblem(401, "api.key_required", headers={"WWW-Authenticate": "Bearer"})
    presented = credentials.credentials.strip()
    try:
        key = await run(request, authenticate, presented=presented, now=settings.now())
    except KeyRefused as refused:
        raise ApiProblem(401, refused.key, headers={"WWW-Authenticate": "Bearer"}) from None
    if settings.buckets is not None:
        wait = await settings.buckets.take(key.id)
        if wait:
            raise ApiProblem(429, "api.rate_limited", headers={"Retry-After": retry_after(wait)})
    client = request.client.host if request.client else None
    return ApiCaller(
        key_id=key.id,
        tenant_id=key.tenant_id,
        scopes=frozenset(key.scopes or ()),
        scope=key_scope(key),
        actor=Actor(account_id=None, name=f"API {key.name} ({key.prefix})", ip=client),
    )


def require_scope(wanted: str) -> Callable[..., Any]:
    """A dependency: the caller, if its key holds `wanted`; else 403."""

    async def scoped(who: ApiCaller = Depends(caller)) -> ApiCaller:
        if wanted not in who.scopes:
            raise ApiProblem(403, "api.scope_missing", scope=wanted)
        return who

    scoped.scope = wanted  # read by build_v1 for the OpenAPI document's `x-scopes`
    return scoped
