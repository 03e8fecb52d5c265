"""The audit page: a tenant admin sees full values; a provider admin sees them masked."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from app.core.db import make_engine
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.org.users import UserFields, create_user
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

PHONE = "13955556666"


def _person_created_in_tenant_xy(app: RunningApp) -> None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).scalar_one()
            create_user(
                session=session,
                scope=TenantScope.single(tenant.id),
                tenant_id=tenant.id,
                fields=UserFields(name="审计测试", phone=PHONE, badge_card_no="AUDIT0001"),
                actor=Actor(account_id=None, name="审计员"),
            )
            session.commit()
    finally:
        engine.dispose()


def _open_audit(browser, app: RunningApp, login: str, **kwargs):
    context, page = sign_in(browser, app, login, **kwargs)
    page.goto(app.url + "/audit")
    page.wait_for_url(at_path(app, "/audit"))
    page.wait_for_selector('#audit[data-loaded="true"]', timeout=60_000)
    return context, page


def test_audit_shows_changes_masked_for_viewers_without_unmask(browser, running_app) -> None:
    _person_created_in_tenant_xy(running_app)

    context, page = _open_audit(browser, running_app, "xy_admin")
    page.fill("#audit-actor", "审计员")
    page.click("#audit-filter")
    page.wait_for_function(
        "p => document.querySelector('#audit-table').innerText.includes(p)", arg=PHONE
    )
    assert page.locator("#audit-unmasked").count() == 1
    assert "新建人员" in page.inner_text("#audit-table")
    screenshot(page, "audit-unmasked-zh-CN-1440x900")
    context.close()

    context, page = _open_audit(browser, running_app, "hx_admin")  # provider admin: no unmask
    page.fill("#audit-actor", "审计员")
    page.click("#audit-filter")
    page.wait_for_function(
        "() => document.querySelector('#audit-table').innerText.includes('139****6666')"
    )
    text = page.inner_text("#audit-table")
    assert PHONE not in text and "AUD*****0001" not in text.replace("AUDIT0001", "")
    assert "AUDIT0001" not in text
    assert page.locator("#audit-masked").count() == 1
    screenshot(page, "audit-masked-zh-CN-1440x900")
    page.click("#lang-switch")
    page.wait_for_selector("text=Sensitive values masked")
    screenshot(page, "audit-masked-en-1440x900")
    context.close()


def test_sign_ins_and_failures_are_in_the_audit_log(browser, running_app) -> None:
    import httpx

    httpx.post(f"{running_app.url}/api/auth/login", json={"login": "lm_admin", "password": "x"})
    context, page = _open_audit(browser, running_app, "lm_admin", width=390, height=844)
    page.select_option("#audit-action", "auth.")
    page.click("#audit-filter")
    page.wait_for_selector("text=登录失败")
    assert "登录" in page.inner_text("#audit-table")
    screenshot(page, "audit-sign-ins-zh-CN-390x844")
    context.close()
