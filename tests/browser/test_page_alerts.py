"""The alerts page as a tenant admin uses it: the unresolved alerts, then all of them, one
acknowledged. This module runs after the all-handlers test: it changes tenant A's rows."""

from __future__ import annotations

from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def test_alerts_filter_and_acknowledge(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/alerts")
    page.wait_for_url(at_path(running_app, "/alerts"))
    page.wait_for_selector('#alerts[data-loaded="true"]', timeout=60_000)
    rows = page.locator("#alerts-table .alert-page-row")
    assert rows.count() >= 1, page.inner_text("#alerts")
    headers = page.locator("#alerts-table th").all_inner_texts()
    assert headers == ["时间", "级别", "智能柜", "内容", "次数", "状态"], headers
    open_row = rows.filter(has=page.get_by_role("button", name="确认")).first
    text = open_row.locator("td").nth(3).inner_text()  # time, level, cabinet, message
    open_row.get_by_role("button", name="确认").click()
    acknowledged = page.locator("#alerts-table .alert-page-row", has_text=text).first
    acknowledged.get_by_text("已确认").wait_for(timeout=10_000)
    page.click("#alerts-status")
    page.get_by_role("option", name="全部").click()
    page.locator("#alerts form button[type=submit]").click()
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#alerts-table .alert-page-row').length >= n",
        arg=[rows.count()],
    )
    screenshot(page, "alerts-1440")
    context.close()
