"""The quotas page as a tenant admin uses it: a new rule in the dialog (labelled fields, a
refusal naming the wrong field), the same dialog editing it, a rule switched off, and a rule
deleted after a confirmation. This module runs after the all-handlers test: it changes tenant
A's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.db import make_engine
from app.quotas.models import QuotaRule
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in
from tests.browser.powered import until

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _rule(app: RunningApp, name: str) -> QuotaRule | None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.exec(select(QuotaRule).where(QuotaRule.name == name)).first()
    finally:
        engine.dispose()


def _open(browser, app: RunningApp, **size):
    context, page = sign_in(browser, app, "xy_admin", **size)
    page.goto(app.url + "/quotas")
    page.wait_for_url(at_path(app, "/quotas"))
    page.wait_for_selector('#quotas[data-loaded="true"]', timeout=60_000)
    return context, page


def test_rules_add_edit_switch_and_delete(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app)
    assert page.locator("#quota-table .quota-row").count() >= 1
    assert page.locator("#quota-name").count() == 0  # no form above the table any more

    page.click("#quota-new")
    dialog = page.locator("#quota-dialog")
    dialog.wait_for()
    labels = dialog.inner_text()
    for label in ("规则名称", "适用对象", "计入物品", "周期", "限额方式", "限额", "超额处理"):
        assert label in labels, label
    assert "*" in dialog.locator("text=规则名称").first.inner_text()
    page.fill("#quota-name", "测试额度")
    page.fill("#quota-limit", "0")
    page.click("#quota-save")
    page.wait_for_selector("#quota-form-error")
    assert "限额" in page.inner_text("#quota-form-error")
    screenshot(page, "quotas-dialog-error-zh-CN-1440x900")

    page.select_option("#quota-limit_kind", "cost")
    page.fill("#quota-limit", "12.50")
    page.click("#quota-save")
    dialog.wait_for(state="hidden")
    added = page.locator("#quota-table .quota-row", has_text="测试额度")
    added.wait_for(timeout=10_000)
    assert "¥12.50" in added.inner_text() and "需审批" in added.inner_text()

    added.locator(".quota-edit").click()
    dialog.wait_for()
    assert page.input_value("#quota-name") == "测试额度"
    assert page.input_value("#quota-limit") == "12.50"
    assert page.input_value("#quota-limit_kind") == "cost"
    page.fill("#quota-name", "测试额度-行政")
    page.select_option("#quota-subject_kind", "department")
    page.wait_for_selector("#quota-subject-id")
    page.select_option("#quota-subject-id", index=1)
    department = page.locator("#quota-subject-id option:checked").inner_text()
    page.select_option("#quota-period", "week")
    screenshot(page, "quotas-dialog-edit-zh-CN-1440x900")
    page.click("#quota-save")
    dialog.wait_for(state="hidden")
    edited = page.locator("#quota-table .quota-row", has_text="测试额度-行政")
    edited.wait_for(timeout=10_000)
    assert f"部门 {department}" in edited.inner_text() and "每周" in edited.inner_text()
    rule = _rule(running_app, "测试额度-行政")
    assert rule is not None and rule.subject_kind == "department" and rule.limit_value == 1250

    edited.locator(".quota-active").click()
    until(lambda: not _rule(running_app, "测试额度-行政").is_active, 10, "the rule stayed on")
    edited.locator(".quota-delete").click()
    page.wait_for_selector("#quota-delete-confirm")
    screenshot(page, "quotas-delete-confirm-zh-CN-1440x900")
    page.click("#quota-delete-confirm")
    edited.wait_for(state="detached", timeout=10_000)
    assert _rule(running_app, "测试额度-行政") is None
    assert page.evaluate(FITS)
    screenshot(page, "quotas-zh-CN-1440x900")
    context.close()


def test_rules_in_english_and_on_a_phone(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app)
    page.click("#lang-switch")
    page.wait_for_selector("#quota-new:has-text('New rule')")
    page.click("#quota-new")
    page.locator("#quota-dialog").wait_for()
    text = page.inner_text("#quota-dialog")
    assert "Rule name" in text and "Over the limit" in text and "Save" in text
    page.fill("#quota-limit", "5")
    page.click("#quota-save")  # no name: the refusal names the field
    page.wait_for_selector("#quota-form-error")
    assert "Rule name" in page.inner_text("#quota-form-error")
    screenshot(page, "quotas-dialog-en-1440x900")
    page.get_by_role("button", name="Cancel").click()
    page.locator("#quota-dialog").wait_for(state="hidden")
    assert page.evaluate(FITS)
    screenshot(page, "quotas-en-1440x900")
    context.close()

    context, page = _open(browser, running_app, width=390, height=844)
    page.locator("#quota-table .quota-row").first.wait_for()
    assert page.evaluate(FITS)
    screenshot(page, "quotas-zh-CN-390x844")
    page.click("#quota-new")
    page.locator("#quota-dialog").wait_for()
    assert page.evaluate(FITS)
    screenshot(page, "quotas-dialog-zh-CN-390x844")
    context.close()
