"""Live stock alerts, as a tenant admin sees them: the console is open (1440×900), an employee
takes from a simulated cabinet until a slot falls below its minimum, and the alert appears in
the console — a toast and the bell's count — without a reload; the admin acknowledges it from
the bell's list.

This module runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

from hardware.simulator.employees import open_take_close
from tests.browser.conftest import RunningApp, open_from_phone, screenshot, sign_in
from tests.browser.powered import Powered, slot_about_to_run_low

SHOWN_WITHIN_MS = 10_000


def _bell_count(page) -> int:
    badge = page.query_selector("#alert-count")
    return int(badge.inner_text()) if badge else 0


def test_a_low_stock_alert_reaches_the_open_console_without_reload(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    slot, item, take = slot_about_to_run_low(running_app, powered_cabinet.spec)
    admin, console = sign_in(browser, running_app, "xy_admin")
    console.wait_for_selector("#alert-bell")
    before = _bell_count(console)
    console.evaluate("window.__sameDocument = true")

    phone, _, door = open_from_phone(browser, running_app, powered_cabinet)
    powered_cabinet.run(
        open_take_close(
            powered_cabinet.cabinet, door, {slot: take}, unit_g=powered_cabinet.spec.unit_g
        )
    )
    toast = console.locator("[data-sonner-toast]", has_text=item).filter(has_text="低于下限")
    toast.wait_for(timeout=SHOWN_WITHIN_MS)
    console.wait_for_function(
        "([n]) => Number(document.querySelector('#alert-count')?.innerText) === n",
        arg=[before + 1],
        timeout=5_000,
    )
    console.wait_for_function(  # the home page's figures follow
        "([n]) => Number(document.querySelector('#fig-alerts')?.innerText) === n",
        arg=[before + 1],
        timeout=5_000,
    )
    assert console.evaluate("window.__sameDocument") is True  # no reload happened
    screenshot(console, "console-live-alert-1440")

    console.click("#alert-bell")
    row = console.locator("#alert-centre .alert-row", has_text=item).first
    row.wait_for(timeout=5_000)
    screenshot(console, "console-alert-centre-1440")
    row.get_by_role("button").click()
    row.get_by_text("已确认").wait_for(timeout=5_000)
    phone.close()
    admin.close()
