"""The phone flow a first-time employee is given (issue 18), in Chromium at 390×844: signed out,
they scan a cabinet's QR code, sign in on the phone's sign-in page, land back on THAT cabinet,
open it, and watch the door go through its steps in order (waiting for the door, open, closed –
counting, recorded) on one page that never says anything else about their own door.

Runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from app.demo.services.catalogue import DEMO_PASSWORD
from hardware.simulator.employees import open_take_close
from tests.browser.conftest import RunningApp, at_path, screenshot
from tests.browser.powered import Powered, until

ORDER = ["waiting", "open", "counting", "recorded"]
# Every step the door part shows, as it shows it (a MutationObserver: nothing is missed).
RECORD_STEPS = """() => {
    window.__steps = [];
    const note = () => {
        const step = document.querySelector('#door')?.dataset.step;
        if (step && window.__steps[window.__steps.length - 1] !== step) window.__steps.push(step);
    };
    note();
    new MutationObserver(note).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-step'],
    });
}"""
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _step_is(page, step: str, timeout: int = 15_000) -> None:
    page.wait_for_selector(f'#door[data-step="{step}"]', timeout=timeout)


def test_scan_sign_in_back_on_the_cabinet_open_and_recorded(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    code = powered_cabinet.spec.identity.code
    cabinet_path = f"/m/cabinet/{code}"
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(running_app.url + cabinet_path)  # what the QR code on the cabinet opens
    page.wait_for_selector("#phone-sign-in", timeout=60_000)
    assert urlsplit(page.url).path.rstrip("/") == "/m/login"
    # the hint comes with the page's first event (it reads `next`), just after the page shows
    page.wait_for_selector("#phone-sign-in >> text=登录后将回到您扫码的智能柜", timeout=30_000)
    assert page.evaluate(FITS)
    screenshot(page, "phone-sign-in-zh-CN-390")

    paths: list[str] = []
    page.on("framenavigated", lambda frame: paths.append(urlsplit(frame.url).path))
    page.fill("#login", "xy_employee")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(at_path(running_app, cabinet_path), timeout=60_000)
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=60_000)
    _step_is(page, "ready")
    assert "领用柜" in page.inner_text("#cab-name")
    assert page.evaluate(FITS)
    screenshot(page, "phone-cabinet-ready-zh-CN-390")

    page.evaluate(RECORD_STEPS)
    cabinet = powered_cabinet.cabinet
    cabinet.unlocked.clear()
    page.click("#open-door")
    _step_is(page, "waiting")
    assert "正在开锁" in page.inner_text("#door-message")
    assert page.locator("#open-door").count() == 0  # no second press while their door is theirs
    screenshot(page, "phone-door-waiting-zh-CN-390")
    until(cabinet.unlocked.is_set, 25, "the unlock never reached the cabinet")
    unlock = cabinet.unlock
    door = {"session": unlock.session, "by": unlock.by}

    slot = next(s for s, (_, units) in sorted(powered_cabinet.spec.stock.items()) if units >= 2)
    visit = asyncio.run_coroutine_threadsafe(
        open_take_close(cabinet, door, {slot: 1}, unit_g=powered_cabinet.spec.unit_g, hold_s=4),
        powered_cabinet.loop,
    )
    _step_is(page, "open")
    assert "门已打开" in page.inner_text("#door-message")
    assert "有人正在使用" not in page.inner_text("#cabinet-phone")
    assert page.evaluate(FITS)
    screenshot(page, "phone-door-open-zh-CN-390")
    visit.result(timeout=30)
    _step_is(page, "recorded", timeout=20_000)
    assert "本次领用已记录" in page.inner_text("#door-message")
    first = page.locator(".visit").first
    assert first.get_attribute("data-state") == "committed"
    assert "已记录" in first.inner_text()
    assert page.evaluate(FITS)
    screenshot(page, "phone-door-recorded-zh-CN-390")

    steps = page.evaluate("() => window.__steps")
    assert steps[0] == "ready" and steps[-1] == "recorded", steps
    shown = steps[1:]
    assert set(shown) <= set(ORDER) and {"waiting", "open", "recorded"} <= set(shown), steps
    assert [ORDER.index(s) for s in shown] == sorted(ORDER.index(s) for s in shown), steps

    page.click("#lang-switch")
    page.wait_for_selector("text=Door closed: this visit is recorded")
    assert "Recorded" in page.inner_text("#door-progress")
    assert page.evaluate(FITS)
    screenshot(page, "phone-door-recorded-en-390")
    # from the sign-in on, the page never left the cabinet's
    assert {p.rstrip("/") for p in paths} == {cabinet_path}, paths
    assert not [e for e in errors if "Warning" not in e], errors

    page.click("#lang-switch")
    page.wait_for_selector("text=已关门，本次领用已记录")
    page.click("#to-me")  # their own page: the visit under the cabinet's name, not its code
    page.wait_for_selector('#my-phone[data-loaded="true"]', timeout=30_000)
    newest = page.locator("#me-history .my-visit").first.inner_text()
    assert "领用柜" in newest and code not in newest, newest
    assert page.evaluate(FITS)
    screenshot(page, "phone-me-after-visit-zh-CN-390")

    page.click("#sign-out")  # signing out on the phone goes to the phone's sign-in
    page.wait_for_selector("#phone-sign-in", timeout=30_000)
    assert page.evaluate(FITS)
    screenshot(page, "phone-signed-out-zh-CN-390")
    context.close()
