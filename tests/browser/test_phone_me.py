"""The employee's own page (/m) in Chromium at 390×844: what is left of their quotas, asking for
more and seeing the department manager approve it from their own phone, and disputing a visit.

Runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

from tests.browser.conftest import RunningApp, employee_on_phone, screenshot


def test_ask_for_more_and_the_manager_approves_from_the_phone(
    browser, running_app: RunningApp
) -> None:
    context, page = employee_on_phone(browser, running_app)
    assert page.locator("#me-quotas .quota").count() >= 1  # the demo's monthly limits
    assert "剩余" in page.inner_text("#me-quotas")
    screenshot(page, "phone-me-390")
    page.click("#ask")
    page.fill("#ask-reason", "部门培训需要 20 支笔")
    page.click("#ask-send")
    page.wait_for_selector("text=申请已提交，等待审批")
    pending = page.locator('#me-requests .request[data-state="pending"]')
    assert "部门培训需要 20 支笔" in pending.first.inner_text()
    assert "第 1/1 步" in pending.first.inner_text()

    boss_context, boss = employee_on_phone(browser, running_app, "xy_manager")
    waiting = boss.locator("#me-awaiting .awaiting", has_text="部门培训需要 20 支笔")
    assert waiting.count() == 1
    screenshot(boss, "phone-manager-awaiting-390")
    waiting.get_by_text("同意").click()
    boss.wait_for_selector("text=已处理")
    assert boss.locator("#me-awaiting .awaiting", has_text="部门培训需要 20 支笔").count() == 0
    boss_context.close()

    page.reload()
    page.wait_for_selector('#my-phone[data-loaded="true"]')
    page.wait_for_selector('#me-requests .request[data-state="approved"]')
    assert "已批准" in page.inner_text("#me-requests")
    context.close()


def test_dispute_a_visit(browser, running_app: RunningApp) -> None:
    context, page = employee_on_phone(browser, running_app)
    disputable = page.locator("#me-history .my-visit").filter(has=page.get_by_text("有疑问"))
    visit_id = disputable.first.get_attribute("data-visit")
    disputable.first.get_by_text("有疑问").click()
    page.fill("#dispute-text", "只拿了 1 支，记录成了 2 支")
    page.click("#dispute-send")
    page.wait_for_selector("text=已提交，管理员会尽快答复")
    first = page.locator(f'#me-history .my-visit[data-visit="{visit_id}"]')
    assert "申诉处理中：只拿了 1 支，记录成了 2 支" in first.inner_text()
    assert first.get_by_text("有疑问").count() == 0  # one open dispute per visit
    screenshot(page, "phone-me-dispute-390")
    page.click("#lang-switch")
    page.wait_for_selector("text=What I have left")
    screenshot(page, "phone-me-en-390")
    context.close()
