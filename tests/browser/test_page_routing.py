"""The alert routing page as a tenant admin uses it: the demo's rule and its delivery log, a new
rule in the dialog (a refusal naming the wrong field first), the same dialog editing it with its
values filled in, and the rule deleted after a confirmation. This module runs after the
all-handlers test: it changes tenant A's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.db import make_engine
from app.notify.models import AlertRoute
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _rule(app: RunningApp, name: str) -> AlertRoute | None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.exec(select(AlertRoute).where(AlertRoute.name == name)).first()
    finally:
        engine.dispose()


def test_rules_add_edit_and_delete(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/alerts/routing")
    page.wait_for_url(at_path(running_app, "/alerts/routing"))
    page.wait_for_selector('#routing[data-loaded="true"]', timeout=60_000)
    demo = page.locator("#route-table .route-row", has_text="行政值班")
    assert "邮件" in demo.inner_text() and "30 分钟后 → 短信" in demo.inner_text()

    page.click("#route-new")
    dialog = page.locator("#route-dialog")
    dialog.wait_for()
    page.fill("#route-name", "仓库机器人")
    page.locator("#route-dialog .route-kind").nth(1).check()  # low stock
    page.select_option("#route-channel", "dingtalk")
    page.fill("#route-target", "not a url")
    page.click("#route-save")
    page.wait_for_selector("#route-error")
    assert "发送到" in page.inner_text("#route-error")
    page.fill("#route-target", "https://oapi.dingtalk.com/robot/send?access_token=abc")
    page.fill("#route-secret", "SECtest")
    page.fill("#route-escalate-after", "20")
    page.select_option("#route-escalate-channel", "sms")
    page.fill("#route-escalate-target", "13800138001")
    screenshot(page, "routing-dialog-zh-CN-1440x900")
    page.click("#route-save")
    dialog.wait_for(state="hidden")
    added = page.locator("#route-table .route-row", has_text="仓库机器人")
    added.wait_for(timeout=10_000)
    text = added.inner_text()
    assert "低库存" in text and "钉钉" in text and "access_token" not in text, text
    rule = _rule(running_app, "仓库机器人")
    assert rule.kinds == ["low_stock"] and rule.secret_ciphertext and rule.is_active
    assert (rule.escalate_after_min, rule.escalate_target) == (20, "13800138001")

    added.locator(".route-edit").click()
    dialog.wait_for()
    assert page.input_value("#route-name") == "仓库机器人"
    assert page.locator("#route-dialog .route-kind").nth(1).is_checked()
    page.fill("#route-name", "仓库机器人（夜班）")
    page.click("#route-save")
    dialog.wait_for(state="hidden")
    renamed = page.locator("#route-table .route-row", has_text="仓库机器人（夜班）")
    renamed.wait_for(timeout=10_000)
    assert _rule(running_app, "仓库机器人（夜班）").secret_ciphertext == rule.secret_ciphertext
    screenshot(page, "routing-1440")

    renamed.locator(".route-delete").click()
    page.click("#route-delete-confirm")
    renamed.wait_for(state="detached", timeout=10_000)
    assert _rule(running_app, "仓库机器人（夜班）") is None
    context.close()
