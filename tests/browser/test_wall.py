"""The wall dashboard as the office sees it: an admin creates a display link in the console,
a 1920×1080 screen opens it without signing in, a withdrawal at a simulated cabinet shows on
it without a reload, and revoking the link turns the screen off at once.

This module runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hardware.simulator.employees import open_take_close
from tests.browser.conftest import RunningApp, open_from_phone, screenshot, sign_in
from tests.browser.powered import Powered

UPDATED_WITHIN_S = 1.0


def _number(page, selector: str) -> int:
    return int(page.inner_text(selector).strip())


def test_a_wall_opens_by_its_link_follows_a_withdrawal_and_goes_dark_when_revoked(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    admin, console = sign_in(browser, running_app, "xy_admin")
    console.goto(running_app.url + "/walls")
    console.wait_for_selector('#walls[data-loaded="true"]', timeout=30_000)
    console.fill("#wall-name", "测试大屏")
    console.click("#wall-create")
    url = console.inner_text("#wall-url", timeout=15_000).strip()
    assert "/wall/" in url
    screenshot(console, "console-walls-1440")

    screen_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = screen_context.new_page()
    screen.goto(url.replace(url.split("/wall/")[0], running_app.url))
    screen.wait_for_selector('#wall[data-status="live"]', timeout=30_000)
    assert screen.locator(".wall-cabinet").count() == 3
    screen.wait_for_selector("#wall-trend .js-plotly-plot", timeout=15_000)
    screen.wait_for_selector("#wall-top .js-plotly-plot", timeout=15_000)
    shanghai = {
        (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=m)).strftime("%H:%M")
        for m in (0, 1)
    }
    assert screen.inner_text("#wall-clock")[:5] in shanghai  # the tenant's time, not the screen's
    screen.evaluate("window.__sameDocument = true")
    before = _number(screen, "#wall-today")
    screenshot(screen, "wall-1920")

    phone, _, door = open_from_phone(browser, running_app, powered_cabinet)
    slot = next(code for code, (_, units) in sorted(powered_cabinet.spec.stock.items()) if units)
    closed = powered_cabinet.run(
        open_take_close(
            powered_cabinet.cabinet, door, {slot: 1}, unit_g=powered_cabinet.spec.unit_g
        )
    )
    screen.wait_for_function(
        "([n]) => Number(document.querySelector('#wall-today')?.innerText) === n",
        arg=[before + 1],
        timeout=10_000,
        polling="raf",
    )
    shown_after_s = time.time() - closed["at"] / 1000
    print(f"wall_shows_withdrawal_s={shown_after_s:.3f}")
    assert screen.evaluate("window.__sameDocument") is True  # no reload
    screenshot(screen, "wall-after-withdrawal-1920")
    assert shown_after_s < UPDATED_WITHIN_S, f"shown {shown_after_s:.2f}s after the door closed"

    console.goto(running_app.url + "/walls")
    console.wait_for_selector('#walls[data-loaded="true"]', timeout=30_000)
    console.locator(".wall-row", has_text="测试大屏").locator(".wall-revoke").first.click()
    screen.wait_for_selector('#wall[data-status="refused"]', timeout=5_000)
    assert screen.evaluate("window.__sameDocument") is True
    screenshot(screen, "wall-revoked-1920")

    on_phone, page = sign_in(browser, running_app, "xy_admin", width=390, height=844)
    page.goto(running_app.url + "/walls")
    page.wait_for_selector('#walls[data-loaded="true"]', timeout=30_000)
    screenshot(page, "console-walls-390")
    for context in (on_phone, phone, screen_context, admin):
        context.close()
