"""A tenant with an admin and an issuer, the local identity provider, and a browser-like client
that talks to both in-process (the provider's host and ours, each its own ASGI app)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from app.api.auth import routes as auth_routes
from app.api.org import routes as org_routes
from app.api.sso import sso_routes
from app.auth.models import Account, AccountKind, RoleGrant
from app.auth.passwords import hash_secret
from app.auth.service import ensure_builtin_roles
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.records import SYSTEM
from app.core.tenancy import TenantScope
from app.org.models import User
from app.sso import oidc, service
from tests.factories import make_tenant
from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, ISSUER, LocalIdp

APP = "https://app.test"
CALLBACK = APP + service.CALLBACK_PATH
PASSWORD = "Secret123"


@dataclass(frozen=True)
class Person:
    tenant_id: int
    company: str
    account_id: int
    username: str
    email: str


@pytest.fixture(autouse=True)
def _no_kept_documents() -> Iterator[None]:
    """Each test's provider is its own: no discovery or keys kept from another test's."""
    oidc.forget_documents()
    yield
    oidc.forget_documents()


@pytest.fixture(scope="module", autouse=True)
def _migrated() -> None:
    migrations.upgrade(get_settings().database_url)


def add_person(
    tenant_id: int, *, role: str = "tenant_admin", kind: str = AccountKind.tenant.value
) -> tuple[int, str, str]:
    """A person of the tenant with a sign-in account holding `role` there."""
    tag = uuid.uuid4().hex[:8]
    email = f"Admin.{tag}@acme.example"
    with session_scope() as session:
        roles = ensure_builtin_roles(session=session)
        account = Account(
            username=f"sso_{tag}",
            display_name=f"管理员{tag}",
            password_hash=hash_secret(PASSWORD),
            kind=kind,
        )
        session.add(account)
        session.flush()
        session.add(
            RoleGrant(
                account_id=account.id,
                role_id=roles[role].id,
                scope="tenant",
                tenant_id=tenant_id,
            )
        )
        session.add(
            User(
                tenant_id=tenant_id,
                name=f"管理员{tag}",
                email=email,
                employee_no=f"E{tag}",
                account_id=account.id,
            )
        )
        return account.id, account.username, email


def make_company(*, sso_only: bool = False) -> Person:
    """A tenant whose issuer is the local provider, matching people by the `email` claim."""
    with session_scope() as session:
        tenant = make_tenant(session)
        tenant_id, company = tenant.id, tenant.code
        service.save_issuer(
            session=session,
            scope=TenantScope.platform(),
            tenant_id=tenant_id,
            typed={
                "issuer": ISSUER,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "match_field": "email",
                "claim": "email",
                "sso_only": "on" if sso_only else "",
            },
            actor=SYSTEM,
        )
    account_id, username, email = add_person(tenant_id)
    return Person(tenant_id, company, account_id, username, email)


@pytest.fixture
def company() -> Person:
    return make_company()


@pytest.fixture
def idp(company: Person) -> LocalIdp:
    # the provider knows the person by an e-mail in other case: matching ignores case
    return LocalIdp(redirect_uris=[CALLBACK], user={"sub": "u-42", "email": company.email.lower()})


Browser = Callable[[LocalIdp], httpx.AsyncClient]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A cookie-keeping client reaching our routes at app.test and the provider at idp.test;
    our server reaches the provider through the same in-process transport."""
    clients: list[httpx.AsyncClient] = []

    def open_for(idp: LocalIdp) -> httpx.AsyncClient:
        provider = httpx.ASGITransport(idp.app)
        ours = Starlette(routes=[*auth_routes, *sso_routes(transport=provider), *org_routes])
        client = httpx.AsyncClient(
            mounts={"https://idp.test": provider, APP: httpx.ASGITransport(ours)},
            base_url=APP,
        )
        clients.append(client)
        return client

    yield open_for
    for client in clients:
        await client.aclose()
