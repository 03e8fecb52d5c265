"""The quotas page as a tenant admin uses it: the demo's rules in words, a rule refused with the
wrong field named, a new rule added, a rule switched off. This module runs after the
all-handlers test: it changes tenant A's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.db import make_engine
from app.quotas.models import QuotaRule
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in
from tests.browser.powered import until


def _active(app: RunningApp, name: str) -> bool:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.exec(select(QuotaRule.is_active).where(QuotaRule.name == name)).one()
    finally:
        engine.dispose()


def test_rules_add_and_switch(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/quotas")
    page.wait_for_url(at_path(running_app, "/quotas"))
    page.wait_for_selector('#quotas[data-loaded="true"]', timeout=60_000)
    rules = page.locator("#quota-table .quota-row")
    before = rules.count()
    assert before >= 1

    page.fill("#quota-name", "测试额度")
    page.fill("#quota-limit", "0")
    page.click("#quota-add")
    page.wait_for_selector("#quota-message")
    assert "限额" in page.inner_text("#quota-message")

    page.fill("#quota-limit", "12.50")
    page.click("#quota-limit_kind")
    page.get_by_role("option", name="按金额（元）").click()
    page.click("#quota-add")
    added = page.locator("#quota-table .quota-row", has_text="测试额度")
    added.wait_for(timeout=10_000)
    assert "¥12.50" in added.inner_text() and "需审批" in added.inner_text()
    assert _active(running_app, "测试额度")
    added.locator(".quota-active").click()
    until(lambda: not _active(running_app, "测试额度"), 10, "the rule was not switched off")
    page.wait_for_function(
        """() => [...document.querySelectorAll('#quota-table .quota-row')]
            .find(r => r.innerText.includes('测试额度'))
            ?.querySelector('.quota-active')?.getAttribute('data-state') === 'unchecked'"""
    )
    page.wait_for_timeout(500)  # the switch's own transition, for the screenshot
    screenshot(page, "quotas-1440")
    context.close()
