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
    everything = rows.count()
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
