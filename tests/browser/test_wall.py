"""The wall dashboard as the office sees it: an admin creates a display link in the console,
a 1920×1080 screen opens it without signing in, a withdrawal at a simulated cabinet shows on
it without a reload, and revoking the link turns the screen off at once. An English wall
(`?lang=en`) shows a cabinet with a tamper alarm in red, exactly ten top items, and says when
its data is stale: its socket cut, the banner shows within STALE_S; back, it goes.

This module runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.alerts.models import Severity
from app.alerts.service import raise_once
from app.cabinets.models import Cabinet, CabinetStatus, Slot
from app.core.db import make_engine
from app.demo.services.catalogue import DEMO_MARKER_TENANT
from app.items.models import Item
from app.org.models import User
from app.tenants.models import Tenant
from app.wall.state.wall import STALE_S, TICK_S
from app.withdrawals.models import Withdrawal, WithdrawalLine
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


STALE_WITHIN_S = STALE_S + 3  # the page's watch looks twice a second; a little slack
BACK_WITHIN_S = TICK_S + 15  # the next tick after socket.io's reconnect (back-off ≤ 5 s)
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
NOT_A_VALUE = re.compile(r"\b(undefined|NaN|None|null)\b")


def _seed_a_busy_faulty_day(app: RunningApp) -> list[str]:
    """Twelve items taken today, a tamper alarm on the first cabinet, low stock on the second
    (online: an offline one is grey whatever its stock);
    returns the tenant's own words (names), which may be Chinese on an English wall."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            tenant = session.exec(select(Tenant).where(Tenant.code == DEMO_MARKER_TENANT)).one()
            # the wall's cabinets: one another test registered and decommissioned is off it
            cabinets = session.exec(
                select(Cabinet)
                .where(Cabinet.tenant_id == tenant.id, Cabinet.status != CabinetStatus.retired)
                .order_by(Cabinet.code)
            ).all()
            items = session.exec(
                select(Item).where(Item.tenant_id == tenant.id).order_by(Item.id).limit(12)
            ).all()
            person = session.exec(select(User).where(User.tenant_id == tenant.id)).first()
            for n, item in enumerate(items, start=1):
                withdrawal = Withdrawal(
                    tenant_id=tenant.id,
                    cabinet_id=cabinets[0].id,
                    user_id=person.id,
                    total_qty=n,
                    total_cost_cents=n * item.unit_cost_cents,
                    created_at=datetime.now(UTC) - timedelta(seconds=n),
                )
                session.add(withdrawal)
                session.flush()
                session.add(
                    WithdrawalLine.of(withdrawal, item_id=item.id, quantity=n, unit_cost_cents=100)
                )
            first, second = cabinets[0], cabinets[1]
            second.is_online, second.last_heartbeat_at = True, datetime.now(UTC)  # not grey
            for cabinet, kind, severity in (
                (first, "alarm_tamper", Severity.critical),
                (second, "low_stock", Severity.warning),
            ):
                raise_once(
                    session=session,
                    tenant_id=tenant.id,
                    cabinet_id=cabinet.id,
                    kind=kind,
                    root_key=f"wall-test:{kind}:{cabinet.id}",
                    message_key=f"alert.{kind}",
                    params={
                        "cabinet": cabinet.name,
                        "code": cabinet.code,
                        "slot": "A1",
                        "item": items[0].name,
                        "quantity": 1,
                        "min": 5,
                    },
                    severity=severity,
                )
            session.commit()
            words = [tenant.name, *(c.name for c in cabinets)]
            words += session.exec(select(Item.name).where(Item.tenant_id == tenant.id)).all()
            words += session.exec(select(User.name).where(User.tenant_id == tenant.id)).all()
            words += session.exec(select(Slot.code).where(Slot.cabinet_id == first.id)).all()
    finally:
        engine.dispose()
    return sorted(set(words), key=len, reverse=True)


def _stale(page) -> bool:
    return page.evaluate("document.documentElement.hasAttribute('data-wall-stale')")


def test_an_english_wall_shows_faults_in_red_ten_top_items_and_says_when_it_is_stale(
    browser, running_app: RunningApp
) -> None:
    own_words = _seed_a_busy_faulty_day(running_app)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # the socket under the test's hand: cut, every reconnect refused while cut, then back
    cut, sockets = {"on": False}, []

    def route(ws) -> None:
        if cut["on"]:
            ws.close()
            return
        sockets.append((ws, ws.connect_to_server()))

    page.route_web_socket(re.compile(r".*/_event.*"), route)
    page.goto(f"{running_app.url}/wall/demo-wall-{DEMO_MARKER_TENANT.lower()}?lang=en")
    page.wait_for_selector('#wall[data-status="live"]', timeout=30_000)
    # the seeded rows show at the latest on the next tick (a snapshot may be 10 s old)
    page.wait_for_selector('.wall-cabinet[data-level="critical"]', timeout=(TICK_S + 10) * 1000)
    page.wait_for_function(
        "() => document.querySelectorAll('#wall-top .bars .point').length === 10",
        timeout=15_000,
    )
    assert page.locator("#wall-top .ytick").count() == 10  # each bar named
    assert "Top 10 items today" in page.inner_text("#wall-top")
    tamper = page.locator('.wall-cabinet[data-level="critical"]').first
    assert "Tamper alarm" in tamper.inner_text()
    assert page.locator('.wall-cabinet[data-level="low"]').count() >= 1
    ticker = page.locator("#wall-ticker .wall-alert")
    assert ticker.first.get_attribute("data-level") == "critical"
    assert "Critical" in ticker.first.inner_text()
    assert page.locator('#wall-ticker .wall-alert[data-level="low"]').count() >= 1
    figure_px = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#wall-today')).fontSize)"
    )
    axis_px = page.evaluate(
        "Math.min(...[...document.querySelectorAll('#wall-top .ytick text, #wall-trend .xtick"
        " text')].map(t => parseFloat(getComputedStyle(t).fontSize)))"
    )
    assert figure_px >= 48 and axis_px >= 20, (figure_px, axis_px)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    text = page.inner_text("body")
    assert not NOT_A_VALUE.search(text), NOT_A_VALUE.search(text)
    for word in own_words:
        text = text.replace(word, "")
    chinese = CJK.search(text)  # English, but the tenant's own names
    assert chinese is None, repr(text[max(0, chinese.start() - 200) : chinese.end() + 40])
    assert not _stale(page) and not page.is_visible("#wall-stale")
    assert errors == []
    screenshot(page, "wall-en-1920")

    cut["on"] = True
    for to_page, to_server in sockets:
        to_server.close()
        to_page.close()
    cut_at = time.monotonic()
    page.wait_for_selector("#wall-stale", state="visible", timeout=STALE_WITHIN_S * 1000)
    print(f"wall_stale_shown_after_s={time.monotonic() - cut_at:.1f}")
    banner = page.inner_text("#wall-stale")
    assert "Data stale since" in banner and "connection lost" in banner
    assert page.evaluate("getComputedStyle(document.querySelector('.wall-body')).opacity") == "0.3"
    # the console's connection notice stays off the wall, and no socket URL is shown
    assert not page.is_visible("#connection-lost") and "ws://" not in page.inner_text("body")
    screenshot(page, "wall-stale-1920")

    cut["on"] = False
    page.wait_for_selector("#wall-stale", state="hidden", timeout=BACK_WITHIN_S * 1000)
    assert not _stale(page)
    screenshot(page, "wall-back-1920")

    # the same display without `?lang=`: its tenant's language (zh-CN), whatever language the
    # browser's console cookie says
    context.add_cookies([{"name": "locale", "value": "en", "url": running_app.url}])
    chinese = context.new_page()
    chinese.goto(f"{running_app.url}/wall/demo-wall-{DEMO_MARKER_TENANT.lower()}")
    chinese.wait_for_selector('#wall[data-status="live"]', timeout=30_000)
    chinese.wait_for_selector("#wall-top .js-plotly-plot .bars", timeout=15_000)
    assert "领用实况" in chinese.inner_text("#wall") and "今日领用 Top 10" in chinese.inner_text(
        "#wall-top"
    )
    assert "严重" in chinese.locator("#wall-ticker .wall-alert").first.inner_text()
    assert "防拆报警" in chinese.inner_text("#wall-cabinets")
    assert chinese.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert not NOT_A_VALUE.search(chinese.inner_text("body"))
    screenshot(chinese, "wall-zh-1920")
    context.close()
