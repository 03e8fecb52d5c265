"""What a person sees: the console shell with real demo figures, in Chinese and in English."""

from __future__ import annotations

import re

from sqlmodel import Session

from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.dashboard.service import home_figures
from app.tenants.queries import list_tenant_options
from tests.browser.conftest import RunningApp, screenshot, sign_in


def _figures(app: RunningApp, scope: TenantScope):
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return home_figures(session=session, scope=scope), list_tenant_options(
                session=session, scope=scope
            )
    finally:
        engine.dispose()


def test_make_run_prints_the_demo_logins(running_app: RunningApp) -> None:
    log = running_app.log()
    assert "Demo logins:" in log
    import httpx

    icon = httpx.get(running_app.url + "/favicon.svg")  # assets/ served on the same port
    assert icon.status_code == 200 and "<svg" in icon.text
    assert re.search(r"^\s+\S+\s+\S+\s+\S", log.split("Demo logins:")[1], re.M)


def test_home_shows_real_figures_in_chinese_then_english(browser, running_app: RunningApp) -> None:
    figures, _ = _figures(running_app, TenantScope.platform())
    assert figures.cabinets >= 8 and figures.users >= 150 and figures.items >= 30

    context, page = sign_in(browser, running_app, "operator")
    assert page.inner_text("#fig-cabinets") == str(figures.cabinets)
    assert page.inner_text("#fig-users") == str(figures.users)
    assert page.inner_text("#fig-items") == str(figures.items)
    body = page.inner_text("body")
    assert "运营概览" in body and "智能柜" in body and "最近领用" in body
    assert page.locator("table tbody tr").count() > 0
    screenshot(page, "shell-home-zh-CN-1440x900")

    page.click("#lang-switch")
    page.wait_for_selector("text=Operations overview")
    assert "Recent withdrawals" in page.inner_text("body")
    screenshot(page, "shell-home-en-1440x900")

    page.reload()
    page.wait_for_selector('#home[data-loaded="true"]')
    page.wait_for_selector("text=Operations overview")  # the choice survives a reload
    context.close()


def test_tenant_switcher_narrows_the_figures(browser, running_app: RunningApp) -> None:
    _, tenants = _figures(running_app, TenantScope.platform())
    tenant = tenants[0]
    expected, _ = _figures(running_app, TenantScope.single(tenant.id))

    context, page = sign_in(browser, running_app, "operator")
    page.click("#tenant-switch")
    page.get_by_role("option", name=tenant.name).click()
    page.wait_for_selector('#home[data-loaded="true"]')
    page.wait_for_function(
        "n => document.querySelector('#fig-users')?.innerText === String(n)", arg=expected.users
    )
    assert page.inner_text("#fig-cabinets") == str(expected.cabinets)
    screenshot(page, "shell-home-tenant-zh-CN-1440x900")
    context.close()


def test_phone_layout_hides_the_sidebar_behind_a_menu(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin", width=390, height=844)
    assert not page.get_by_text("审计日志").first.is_visible()
    page.get_by_label("menu").click()
    drawer = page.get_by_role("dialog")
    drawer.get_by_text("审计日志").wait_for(state="visible")
    page.wait_for_function(  # the slide-in animation has finished
        "() => document.querySelector('[role=dialog]').getBoundingClientRect().left >= 0"
    )
    screenshot(page, "shell-home-zh-CN-390x844-menu")
    context.close()
