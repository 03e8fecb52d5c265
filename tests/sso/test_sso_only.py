""" "SSO only": a company's admins are refused password sign-in and pointed to their company
account; its employees, providers' staff and the platform's operators keep their passwords."""

from __future__ import annotations

from sqlmodel import select

from app.audit.models import AuditLog
from app.auth.models import AccountKind, RoleGrant
from app.auth.services.auth import ensure_builtin_roles
from app.auth.services.passwords import hash_secret
from app.core.db import session_scope
from tests.factories import make_account
from tests.sso.conftest import APP, PASSWORD, Browser, add_person, make_company
from tests.sso.idp import LocalIdp


async def _password(client, username: str, password: str = PASSWORD, *, form: bool = False):
    fields = {"login": username, "password": password}
    body = {"data": fields} if form else {"json": fields}
    return await client.post("/api/auth/login", headers={"Origin": APP}, **body)


async def test_sso_only_refuses_an_admins_password_and_says_where_to_go(
    browser: Browser, idp: LocalIdp
) -> None:
    company = make_company(sso_only=True)
    client = browser(idp)
    refused = await _password(client, company.username)
    assert refused.status_code == 401
    assert refused.json()["error"] == "auth.sso_only"
    assert "企业账号登录" in refused.json()["message"]
    assert not client.cookies.get("cc_access")
    with session_scope() as session:
        required = session.exec(
            select(AuditLog).where(
                AuditLog.action == "auth.sso_required",
                AuditLog.entity_id == str(company.account_id),
            )
        ).all()
    assert [entry.after for entry in required] == [{"company": company.company}]


async def test_sso_only_form_refusal_returns_to_the_sign_in_page_with_the_company(
    browser: Browser, idp: LocalIdp
) -> None:
    company = make_company(sso_only=True)
    client = browser(idp)
    refused = await _password(client, company.username, form=True)
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/login?error=auth.sso_only&company={company.company}"


async def test_a_wrong_password_is_still_just_a_wrong_password(
    browser: Browser, idp: LocalIdp
) -> None:
    company = make_company(sso_only=True)
    client = browser(idp)
    refused = await _password(client, company.username, "wrong")
    assert refused.json()["error"] == "auth.bad_credentials"  # nothing said about SSO


async def test_employees_and_operators_keep_their_passwords_under_sso_only(
    browser: Browser, idp: LocalIdp
) -> None:
    company = make_company(sso_only=True)
    _, employee, _ = add_person(company.tenant_id, role="employee")
    with session_scope() as session:
        roles = ensure_builtin_roles(session=session)
        operator = make_account(
            session,
            f"op_{company.company}",
            display_name="运营",
            password_hash=hash_secret(PASSWORD),
            kind=AccountKind.platform.value,
        )
        session.add(
            RoleGrant(
                account_id=operator.id, role_id=roles["platform_operator"].id, scope="platform"
            )
        )
    client = browser(idp)
    assert (await _password(client, employee)).status_code == 200
    assert (await _password(client, f"op_{company.company}")).status_code == 200


async def test_without_sso_only_the_admins_password_works(browser: Browser, idp: LocalIdp) -> None:
    company = make_company(sso_only=False)
    assert (await _password(browser(idp), company.username)).status_code == 200


async def test_sso_only_admins_still_sign_in_with_their_company_account(
    browser: Browser,
) -> None:
    company = make_company(sso_only=True)
    idp = LocalIdp(
        redirect_uris=["https://app.test/auth/sso/callback"],
        user={"sub": "u-1", "email": company.email},
    )
    client = browser(idp)
    start = await client.get(f"/auth/sso/{company.company}/start")
    approved = await client.get(start.headers["location"])
    done = await client.get(approved.headers["location"])
    assert done.headers["location"] == "/" and client.cookies.get("cc_access")
