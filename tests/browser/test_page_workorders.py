"""The work orders page as a tenant admin uses it: the open orders, one's pick list, assigning it
to the provider's staff. This module runs after the all-handlers test: it changes tenant A's
rows."""

from __future__ import annotations

from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def test_open_orders_a_pick_list_and_assigning(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/workorders")
    page.wait_for_url(at_path(running_app, "/workorders"))
    page.wait_for_selector('#workorders[data-loaded="true"]', timeout=60_000)
    rows = page.locator("#wo-table .wo-row")
    assert rows.count() >= 1
    assert "待处理" in rows.first.inner_text()
    title = rows.first.locator("td").nth(1).inner_text()
    rows.first.click()
    page.wait_for_selector("#wo-chosen")
    assert "拣货单" in page.inner_text("#wo-chosen")
    page.click("#wo-staff")
    staff = page.get_by_role("option").first
    name = staff.inner_text()
    staff.click()
    page.click("#wo-assign")
    assigned = page.locator("#wo-table .wo-row", has_text=title).first
    assigned.get_by_text(name).wait_for(timeout=10_000)
    assert "已派单" in assigned.inner_text()
    screenshot(page, "workorders-1440")
    context.close()
