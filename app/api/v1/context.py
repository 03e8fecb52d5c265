"""Who is calling the API: the `Authorization: Bearer cck_…` key, checked once per request
(known, live, within its rate), then each route's scope (`require_scope("items:write")`) in one
dependency. A tenant's key reaches that tenant only; a provider's key every company the provider
serves, one of them named by `?tenant=<code>` (a read narrows to it, a change needs it)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast, runtime_checkable

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from app.api.v1.problems import ApiProblem
from app.api.v1.ratelimit import SharedTokenBuckets, TokenBuckets, retry_after
from app.apikeys.models import ApiKey
from app.apikeys.service import KeyRefused, authenticate, key_scope, tenant_named
from app.audit.services.records import Actor
from app.core import logs
from app.core.db import run_in_session
from app.core.tenancy import TenantScope


class Body(BaseModel):
    """A request body: a field we do not know is refused (422 naming it), never ignored — an
    integration's typo or a field we do not keep must not look accepted."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ApiCaller:
    key_id: int
    tenant_id: int | None  # the company a change applies to (None: a provider's key, none named)
    scopes: frozenset[str]
    scope: TenantScope
    actor: Actor

    @property
    def target_tenant(self) -> int:
        """The company a change applies to; a provider's key must name it (422 otherwise)."""
        if self.tenant_id is None:
            raise ApiProblem(422, "api.tenant_required")
        return self.tenant_id


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
TENANT = Query(
    None,
    max_length=32,
    description="A provider's key: the company code this call is about (a change needs it). "
    "A tenant's key may leave it out or name its own company.",
)


def _key_and_reach(
    *, session, presented: str, now: datetime, tenant: str | None
) -> tuple[ApiKey, TenantScope, int | None]:
    """The live key, the companies it reaches (narrowed to `tenant` when named) and the one a
    change applies to."""
    key = authenticate(session=session, presented=presented, now=now)
    reach = key_scope(session, key)
    if tenant is None or not tenant.strip():
        return key, reach, key.tenant_id
    named = tenant_named(session, reach, tenant)
    return key, TenantScope.single(named), named


async def caller(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(BEARER),
    tenant: str | None = TENANT,
) -> ApiCaller:
    settings = settings_of(request)
    if credentials is None or not credentials.credentials.strip():
        raise ApiProblem(401, "api.key_required", headers={"WWW-Authenticate": "Bearer"})
    presented = credentials.credentials.strip()
    try:
        key, reach, tenant_id = await run(
            request, _key_and_reach, presented=presented, now=settings.now(), tenant=tenant
        )
    except KeyRefused as refused:
        raise ApiProblem(401, refused.key, headers={"WWW-Authenticate": "Bearer"}) from None
    if settings.buckets is not None:
        wait = await settings.buckets.take(key.id)
        if wait:
            raise ApiProblem(429, "api.rate_limited", headers={"Retry-After": retry_after(wait)})
    client = request.client.host if request.client else None
    logs.bind(tenant_id=tenant_id)  # this request's log lines (reset when it ends: observe.py)
    return ApiCaller(
        key_id=key.id,
        tenant_id=tenant_id,
        scopes=frozenset(key.scopes or ()),
        scope=reach,
        actor=Actor(account_id=None, name=f"API {key.name} ({key.prefix})", ip=client),
    )


@runtime_checkable
class ScopedDependency(Protocol):
    """`require_scope`'s dependency: `scope` is read by build_v1 for the OpenAPI document's
    `x-scopes`."""

    scope: str

    def __call__(self, who: ApiCaller = ...) -> Coroutine[Any, Any, ApiCaller]: ...


def require_scope(wanted: str) -> ScopedDependency:
    """A dependency: the caller, if its key holds `wanted`; else 403."""

    async def scoped(who: ApiCaller = Depends(caller)) -> ApiCaller:
        if wanted not in who.scopes:
            raise ApiProblem(403, "api.scope_missing", scope=wanted)
        return who

    # a function takes attributes, which mypy does not follow: it is one from the next line on
    dependency = cast(ScopedDependency, scoped)
    dependency.scope = wanted
    return dependency
