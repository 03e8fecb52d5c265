"""The stock page as a tenant admin uses it: planned slots with their levels, lows highlighted,
the low-only filter."""

from __future__ import annotations

from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def test_levels_and_the_low_only_filter(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/stock")
    page.wait_for_url(at_path(running_app, "/stock"))
    page.wait_for_selector('#stock[data-loaded="true"]', timeout=60_000)
    rows = page.locator("#stock-table .stock-row")
    page.select_option("#stock-size", "100")  # every slot of the tenant on one page
    page.wait_for_function("document.querySelectorAll('#stock-table .stock-row').length > 20")
    everything = rows.count()
    assert f"共 {everything} 条" in page.inner_text("#stock-total")
    lows = page.locator('#stock-table .stock-row[data-low="true"]').count()
    assert everything > lows >= 1
    screenshot(page, "stock-1440")
    page.click("#stock-low")
    page.click("#stock-apply")
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#stock-table .stock-row').length === n",
        arg=[lows],
    )
    assert page.locator('#stock-table .stock-row[data-low="false"]').count() == 0
    assert "低于下限" in page.inner_text("#stock-table")
    context.close()


def test_an_admin_writes_off_damaged_units_never_more_than_the_slot_holds(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/stock")
    page.wait_for_selector('#stock[data-loaded="true"]', timeout=60_000)
    entry = page.locator('#stock-table .stock-row[data-low="false"]').first.get_attribute(
        "data-entry"
    )
    row = page.locator(f'#stock-table .stock-row[data-entry="{entry}"]')
    before = int(row.locator("td").nth(3).inner_text().strip())
    row.locator(".stock-write-off").click()
    page.wait_for_selector("#write-off-dialog")
    page.select_option("#write-off-reason", "damaged")
    page.fill("#write-off-quantity", str(before + 1))  # more than it holds: refused, named
    page.click("#write-off-save")
    page.wait_for_selector("#write-off-error", timeout=10_000)
    assert str(before) in page.inner_text("#write-off-error")
    page.fill("#write-off-quantity", "1")
    page.fill("#write-off-note", "外包装破损")
    screenshot(page, "stock-write-off-1440")
    page.click("#write-off-save")
    page.wait_for_selector("#write-off-dialog", state="detached", timeout=10_000)
    page.wait_for_function(
        "([e, n]) => Number(document.querySelector("
        "`#stock-table .stock-row[data-entry='${e}'] td:nth-child(4)`)?.innerText) === n",
        arg=[entry, before - 1],
        timeout=10_000,
    )
    assert int(row.locator("td").nth(3).inner_text().strip()) == before - 1
    context.close()
