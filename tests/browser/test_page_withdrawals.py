"""The withdrawals list as a tenant admin uses it: one page of rows (never the table), the next
page, a filter by cabinet, a withdrawal's lines and scale evidence in a drawer, in Chinese and
in English, on a desktop and on a phone."""

from __future__ import annotations

from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _open(browser, app: RunningApp, **kwargs):
    context, page = sign_in(browser, app, "xy_admin", **kwargs)
    page.goto(app.url + "/withdrawals")
    page.wait_for_url(at_path(app, "/withdrawals"))
    page.wait_for_selector('#withdrawals[data-loaded="true"]', timeout=60_000)
    return context, page


def _first_row(page) -> str:
    return page.locator("#wd-table tbody tr").first.inner_text()


def test_pages_filters_and_the_detail_drawer(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app)
    rows = page.locator("#wd-table tbody tr")
    assert rows.count() == 20  # one page, not the table
    first = _first_row(page)
    page.click("#wd-next")
    page.wait_for_function(
        "([first]) => document.querySelector('#wd-table tbody tr')?.innerText !== first",
        arg=[first],
    )
    screenshot(page, "withdrawals-list-1440")

    page.click("#wd-cabinet")
    option = page.get_by_role("option").filter(has_text="CAB-XY-002")
    cabinet = option.inner_text().split(" (")[0]
    option.click()
    page.click("#wd-apply")
    page.wait_for_function(
        """([name]) => {
            const rows = [...document.querySelectorAll('#wd-table tbody tr')];
            return rows.length > 0 && rows.every(r => r.innerText.includes(name));
        }""",
        arg=[cabinet],
    )
    page.locator("#wd-table tbody tr").first.click()
    page.wait_for_selector("#wd-detail")
    detail = page.inner_text("#wd-detail")
    assert "领用明细" in detail and "×" in detail and cabinet in detail
    assert "称重证据" in detail
    screenshot(page, "withdrawals-detail-1440")
    context.close()


def test_the_list_in_english_and_on_a_phone(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app, width=390, height=844)
    assert page.locator("#wd-table tbody tr").count() == 20
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "withdrawals-list-390")
    page.click("#lang-switch")
    page.wait_for_function(
        "() => document.querySelector('#withdrawals h1, #withdrawals h2')"
        "?.innerText.includes('Withdrawals')"
    )
    screenshot(page, "withdrawals-list-en-390")
    context.close()
