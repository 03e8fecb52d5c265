"""Employees sign in on the phone with WeCom (企业微信), end to end against a local stand-in of
WeCom's documented OAuth endpoints: matched by userid or mobile, outsiders and strangers refused,
the state bound to the phone's browser, the app's access token reused and renewed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from app.api.cookies import ACCESS_COOKIE
from app.api.sso import sso_routes
from app.audit.models import AuditLog
from app.core.db import session_scope
from app.core.records import SYSTEM
from app.core.tenancy import TenantScope
from app.org.models import User
from app.sso.wecom import WecomEndpoints
from app.sso.wecom_service import save_wecom_app
from tests.factories import make_tenant
from tests.sso.conftest import APP, add_person
from tests.sso.wecom_standin import API, OAUTH, WecomStandIn


@dataclass(frozen=True)
class Company:
    tenant_id: int
    code: str
    account_id: int
    employee_no: str
    phone: str
    wecom: WecomStandIn


def _company(match_field: str = "employee_no", secret: str = "app-secret") -> Company:
    corp_id = f"ww{uuid.uuid4().hex[:14]}"
    with session_scope() as session:
        tenant = make_tenant(session)
        tenant_id, code = tenant.id, tenant.code
        save_wecom_app(
            session=session,
            scope=TenantScope.platform(),
            tenant_id=tenant_id,
            typed={
                "corp_id": corp_id,
                "agent_id": "1000002",
                "secret": "app-secret",
                "match_field": match_field,
            },
            actor=SYSTEM,
        )
    account_id, _, _ = add_person(tenant_id, role="employee")
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    with session_scope() as session:
        person = session.exec(select(User).where(User.account_id == account_id)).one()
        person.phone = phone
        employee_no = person.employee_no
    standin = WecomStandIn(
        corp_id=corp_id, agent_id="1000002", secret=secret, trusted_domain="app.test"
    )
    standin.members[employee_no] = {"userid": employee_no, "name": "员工", "mobile": phone}
    standin.signs_in = employee_no
    return Company(tenant_id, code, account_id, employee_no, phone, standin)


@pytest.fixture
async def phone() -> AsyncIterator[Callable[[WecomStandIn], httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def open_for(standin: WecomStandIn) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(standin.app)
        ours = Starlette(
            routes=sso_routes(
                transport=transport, wecom_endpoints=WecomEndpoints(oauth=OAUTH, api=API)
            )
        )
        client = httpx.AsyncClient(
            mounts={OAUTH: transport, API: transport, APP: httpx.ASGITransport(ours)},
            base_url=APP,
        )
        clients.append(client)
        return client

    yield open_for
    for client in clients:
        await client.aclose()


async def _sign_in(client: httpx.AsyncClient, company: Company, **extra: str) -> httpx.Response:
    start = await client.get(f"/auth/wecom/{company.code}/start", params=extra)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(OAUTH + "/connect/oauth2/authorize?")
    assert authorize.endswith("#wechat_redirect")
    approved = await client.get(authorize)
    assert approved.status_code == 302, approved.text
    return await client.get(approved.headers["location"])


def _error(response: httpx.Response) -> str:
    location = urlsplit(response.headers["location"])
    assert response.status_code == 303 and location.path == "/m/login"
    return parse_qs(location.query)["error"][0]


async def test_an_employee_signs_in_with_wecom_by_userid(phone) -> None:
    company = _company()
    client = phone(company.wecom)
    done = await _sign_in(client, company)
    assert done.status_code == 303 and done.headers["location"] == "/m"
    assert client.cookies.get(ACCESS_COOKIE)
    with session_scope() as session:
        logins = session.exec(
            select(AuditLog).where(
                AuditLog.action == "auth.login", AuditLog.entity_id == str(company.account_id)
            )
        ).all()
    assert [entry.after for entry in logins] == [{"method": "wecom"}]


async def test_a_company_matching_by_mobile_signs_the_mobiles_owner_in(phone) -> None:
    company = _company(match_field="phone")
    company.wecom.members[company.employee_no]["userid"] = "zhangsan"  # userid is not the no.
    client = phone(company.wecom)
    done = await _sign_in(client, company, next="/m/cabinet/CAB-1")
    assert done.headers["location"] == "/m/cabinet/CAB-1"
    assert client.cookies.get(ACCESS_COOKIE)


async def test_the_apps_token_is_reused_and_renewed_when_wecom_expires_it(phone) -> None:
    company = _company()
    client = phone(company.wecom)
    assert (await _sign_in(client, company)).headers["location"] == "/m"
    assert (await _sign_in(phone(company.wecom), company)).headers["location"] == "/m"
    assert company.wecom.gettoken_calls == 1
    company.wecom.expire_tokens()
    assert (await _sign_in(phone(company.wecom), company)).headers["location"] == "/m"
    assert company.wecom.gettoken_calls == 2


async def test_a_wrong_app_secret_is_refused(phone) -> None:
    company = _company(secret="the-real-one")
    client = phone(company.wecom)
    assert _error(await _sign_in(client, company)) == "sso.refused"
    assert not client.cookies.get(ACCESS_COOKIE)


@pytest.mark.parametrize("who", ["outsider", "stranger"])
async def test_outsiders_and_unknown_members_are_refused(phone, who: str) -> None:
    company = _company()
    if who == "outsider":
        company.wecom.signs_in = None  # a WeCom user from outside the company
    else:
        company.wecom.members["lisi"] = {"userid": "lisi", "name": "李四", "mobile": ""}
        company.wecom.signs_in = "lisi"  # a member the cloud has no person for
    client = phone(company.wecom)
    assert _error(await _sign_in(client, company)) == "sso.unknown_person"
    assert not client.cookies.get(ACCESS_COOKIE)


async def test_a_forged_state_is_refused(phone) -> None:
    company = _company()
    client = phone(company.wecom)
    start = await client.get(f"/auth/wecom/{company.code}/start")
    approved = await client.get(start.headers["location"])
    forged = approved.headers["location"].replace("state=", "state=x")
    assert _error(await client.get(forged)) == "sso.refused"
