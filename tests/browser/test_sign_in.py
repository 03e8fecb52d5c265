"""Signing in and out as a person does it, and what each person then sees."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.dashboard.service import home_figures
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _tenant_figures(app: RunningApp, code: str):
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == code)).one()
            return tenant, home_figures(session=session, scope=TenantScope.single(tenant.id))
    finally:
        engine.dispose()


def test_the_console_sends_a_visitor_to_the_sign_in_page(browser, running_app: RunningApp) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(running_app.url + "/")
    page.wait_for_url(at_path(running_app, "/login"))
    page.wait_for_selector("text=登录控制台")  # the URL changes before the page has rendered
    screenshot(page, "login-zh-CN-1440x900")
    context.close()


def test_a_wrong_password_is_explained_in_the_chosen_language(
    browser, running_app: RunningApp
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(running_app.url + "/login")
    page.fill("#login", "lm_admin")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    page.wait_for_selector("#login-error")
    assert "账号或密码错误" in page.inner_text("#login-error")
    screenshot(page, "login-error-zh-CN-390x844")
    page.click("#lang-switch")
    page.wait_for_selector("text=Wrong username/phone or password")
    screenshot(page, "login-error-en-390x844")
    context.close()


def test_a_tenant_admin_sees_only_their_company_and_can_sign_out(
    browser, running_app: RunningApp
) -> None:
    tenant, figures = _tenant_figures(running_app, "TN-HT")
    context, page = sign_in(browser, running_app, "ht_admin")
    assert page.inner_text("#fig-users") == str(figures.users)
    assert page.inner_text("#fig-cabinets") == str(figures.cabinets)
    assert tenant.name in page.inner_text("body")  # the header names the one tenant
    assert page.locator("#tenant-switch").count() == 0  # nothing to switch to
    screenshot(page, "home-tenant-admin-zh-CN-1440x900")

    page.click("#signed-in-name")
    page.click("#sign-out")
    page.wait_for_url(at_path(running_app, "/login"))
    page.goto(running_app.url + "/")
    page.wait_for_url(at_path(running_app, "/login"))  # the session is gone, not just hidden
    context.close()


def test_an_employee_may_not_open_the_console(browser, running_app: RunningApp) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(running_app.url + "/login")
    page.fill("#login", "13800138000")  # employees sign in with their phone too
    from app.demo.services.catalogue import DEMO_PASSWORD

    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(running_app, "/m"))  # sent to their own page instead
    page.wait_for_selector('#my-phone[data-loaded="true"]')
    assert page.locator('#home[data-loaded="true"]').count() == 0
    page.goto(running_app.url + "/people")
    page.wait_for_selector("text=没有权限执行此操作")
    assert page.locator('#people[data-loaded="true"]').count() == 0
    screenshot(page, "console-employee-refused-zh-CN-1440x900")
    context.close()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(
    browser, running_app: RunningApp
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(running_app.url + "/login")
    for _ in range(5):
        page.fill("#login", "yj_admin")
        page.fill("#password", "not-the-password")
        page.click("#login-submit")
        page.wait_for_selector("#login-error")
    from app.demo.services.catalogue import DEMO_PASSWORD

    page.fill("#login", "yj_admin")
    page.fill("#password", DEMO_PASSWORD)  # right, but too late: the account is locked
    page.click("#login-submit")
    page.wait_for_selector("text=失败次数过多")
    assert "分钟后再试" in page.inner_text("#login-error")
    screenshot(page, "login-locked-zh-CN-1440x900")
    page.click("#lang-switch")
    page.wait_for_selector("text=Too many failed attempts")
    context.close()


def test_signing_in_returns_to_the_page_that_asked(browser, running_app: RunningApp) -> None:
    from app.demo.services.catalogue import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(running_app.url + "/reports")
    page.wait_for_url(re.compile(r".*/login\?next=%2Freports(%2F)?$"))
    page.fill("#login", "xy_admin")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(running_app, "/reports"))
    page.wait_for_selector('[data-loaded="true"]', timeout=60_000)
    context.close()
