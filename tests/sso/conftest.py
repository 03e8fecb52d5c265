"""A tenant with an admin and an issuer, the local identity provider, and a browser-like client
that talks to both in-process (the provider's host and ours, each its own ASGI app); for the
workplace IMs, a company with an employee and its app saved, and a phone-like client talking to
a stand-in of the IM's documented endpoints (tests/sso/*_standin.py)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from app.api.auth import routes as auth_routes
from app.api.org import routes as org_routes
from app.api.sso import sso_routes
from app.audit.models import AuditLog
from app.audit.services.records import SYSTEM
from app.auth.models import Account, AccountKind, RoleGrant
from app.auth.services.auth import ensure_builtin_roles
from app.auth.services.passwords import hash_secret
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from app.org.models import User
from app.sso.services import oidc
from app.sso.services import sso as service
from app.sso.services.im_service import save_im_app
from app.tenants.models import Tenant, TenantStatus
from tests.factories import make_account, make_tenant
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
        account = make_account(
            session,
            f"sso_{tag}",
            display_name=f"管理员{tag}",
            password_hash=hash_secret(PASSWORD),
            kind=kind,
        )
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


# --- the workplace IMs (WeCom, DingTalk, Feishu) ---------------------------------------------


@dataclass(frozen=True)
class Employee:
    """A company whose IM app is saved, and one of its employees (with a sign-in account)."""

    tenant_id: int
    company: str
    account_id: int
    employee_no: str
    phone: str


def make_employee(kind: str, typed: dict[str, str], match_field: str = "employee_no") -> Employee:
    """A new tenant with its `kind` app saved as `typed`, and an employee of it with an
    employee number and a phone of their own."""
    with session_scope() as session:
        tenant = make_tenant(session)
        tenant_id, company = tenant.id, tenant.code
        save_im_app(
            session=session,
            scope=TenantScope.platform(),
            tenant_id=tenant_id,
            kind=kind,
            typed={**typed, "match_field": match_field},
            actor=SYSTEM,
        )
    account_id, _, _ = add_person(tenant_id, role="employee")
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    with session_scope() as session:
        person = session.exec(select(User).where(User.account_id == account_id)).one()
        person.phone = phone
        employee_no = person.employee_no
    return Employee(tenant_id, company, account_id, employee_no, phone)


class StandIn(Protocol):
    """An IM's stand-in: its kind, its ASGI app, the base URLs it serves, as endpoints."""

    kind: str

    @property
    def app(self) -> Starlette: ...

    @property
    def bases(self) -> tuple[str, ...]: ...

    @property
    def endpoints(self) -> Any: ...


Phone = Callable[[StandIn], httpx.AsyncClient]


@pytest.fixture
async def phone() -> AsyncIterator[Phone]:
    """A cookie-keeping client reaching our routes at app.test and the IM's stand-in at its
    own hosts; our server reaches the stand-in through the same in-process transport."""
    clients: list[httpx.AsyncClient] = []

    def open_for(standin: StandIn) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(standin.app)
        routes = sso_routes(transport=transport, im_endpoints={standin.kind: standin.endpoints})
        client = httpx.AsyncClient(
            mounts={
                **{base: transport for base in standin.bases},
                APP: httpx.ASGITransport(Starlette(routes=routes)),
            },
            base_url=APP,
        )
        clients.append(client)
        return client

    yield open_for
    for client in clients:
        await client.aclose()


async def im_sign_in(
    client: httpx.AsyncClient, kind: str, company: str, authorize: str, **query: str
) -> httpx.Response:
    """Start on the phone, approve on the IM's page (its URL starts with `authorize`), come back
    to the callback: the callback's answer."""
    start = await client.get(f"/auth/{kind}/{company}/start", params=query)
    assert start.status_code == 303, start.text
    assert start.headers["location"].startswith(authorize + "?"), start.headers["location"]
    approved = await client.get(start.headers["location"])
    assert approved.status_code == 302, approved.text
    return await client.get(approved.headers["location"])


def refusal(response: httpx.Response) -> str:
    """The reason a sign-in came back refused to the phone's sign-in page."""
    location = urlsplit(response.headers["location"])
    assert response.status_code == 303 and location.path == "/m/login", location
    return parse_qs(location.query)["error"][0]


def deactivate(account_id: int, *, account_too: bool = False) -> None:
    """The person of that account leaves the company (or, `account_too`, only their sign-in
    account is switched off)."""
    with session_scope() as session:
        if account_too:
            account = session.get(Account, account_id)
            account.is_active = False
            return
        person = session.exec(select(User).where(User.account_id == account_id)).one()
        person.is_active = False


def suspend(tenant_id: int) -> None:
    with session_scope() as session:
        tenant = session.get(Tenant, tenant_id)
        tenant.status = TenantStatus.suspended.value


def audited(action: str, **where: object) -> list[dict]:
    """The audit log's entries of `action` whose columns hold those values, oldest first: each
    its changes, and the kind of thing it is about as `entity`."""
    matching = (getattr(AuditLog, column) == value for column, value in where.items())
    with session_scope() as session:
        query = select(AuditLog).where(AuditLog.action == action, *matching)
        entries = session.exec(query.order_by(AuditLog.id)).all()
        return [{"entity": entry.entity, **(entry.after or {})} for entry in entries]


def refusals(tenant_id: int) -> list[dict]:
    """The IM or company sign-ins the company's audit log says were refused."""
    return audited("auth.sso_refused", tenant_id=tenant_id)


def login_methods(account_id: int) -> list[str]:
    """How the account signed in, each time."""
    return [entry["method"] for entry in audited("auth.login", entity_id=str(account_id))]
