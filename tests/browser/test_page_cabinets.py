"""The cabinets page as a tenant admin uses it: the fleet with status, a cabinet's slots with
their levels (changed and kept), new credentials shown once, a tare command with its delivery
state, and a remote unlock for an employee who forgot their badge (on a powered cabinet).
This module runs after the all-handlers test: it changes tenant A's rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from app.auth.models import Account
from app.cabinets.models import Cabinet
from app.cabinets.queries.refusals import Refused, record
from app.core.db import make_engine
from app.inventory.models import PlanogramEntry
from app.org.models import User
from app.withdrawals.models import DoorSession
from hardware.simulator.employees import open_take_close
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in
from tests.browser.powered import Powered, until


def _levels(app: RunningApp) -> set[tuple[int, int]]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(PlanogramEntry.min_qty, PlanogramEntry.par_qty)
                .join(Cabinet, Cabinet.id == PlanogramEntry.cabinet_id)
                .where(Cabinet.code == "CAB-XY-001")
            ).all()
            return {tuple(r) for r in rows}
    finally:
        engine.dispose()


def _refused_twice(app: RunningApp) -> None:
    """The gateway refused two copies of an auth.pin from CAB-XY-001 for their time."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == "CAB-XY-001")).one()
            copy = '{"type":"auth.pin","body":{"pin":"***","card":"C1"}}'
            refused = [
                Refused(cabinet.tenant_id, cabinet.id, "stale_timestamp", 1, "m1", "", copy)
                for _ in range(2)
            ]
            record(session, refused, datetime.now(UTC))
            session.commit()
    finally:
        engine.dispose()


def test_fleet_levels_credentials_and_a_command(browser, running_app: RunningApp) -> None:
    _refused_twice(running_app)
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/cabinets")
    page.wait_for_url(at_path(running_app, "/cabinets"))
    page.wait_for_selector('#cabinets[data-loaded="true"]', timeout=60_000)
    rows = page.locator("#cab-table .cab-row")
    assert rows.count() == 3
    rows.filter(has_text="CAB-XY-001").click()
    page.wait_for_selector("#cab-chosen .slot-row")
    refusal = page.locator('#cab-refusals .refusal-row[data-code="stale_timestamp"]')
    assert "时钟偏差超过 300 秒" in refusal.inner_text() and "× 2" in refusal.inner_text()
    assert '"pin":"***"' in refusal.locator(".refused-copy").inner_text()
    scales = page.locator("#cab-scales .cab-scale")  # each scale's noise model, in words
    assert scales.count() >= 1
    first_scale = scales.first.inner_text()
    assert "噪声 σ" in first_scale and "分度" in first_scale and "g/分钟" in first_scale
    assert "默认值" in first_scale or "学得" in first_scale
    scales.first.locator(".cab-indicator").click()  # the indicator this scale is wired to
    page.get_by_role("option", name="Tuna ID551PN 仪表").click()
    page.wait_for_function(
        "() => (document.querySelector('#cab-scales .cab-scale')?.innerText || '')"
        ".includes('Tuna ID551PN 仪表，噪声 σ 2.00 g，分度 1 g')"
    )

    first = page.locator("#cab-slots .slot-row").first
    first.locator('input[name="min"]').fill("3")
    first.locator('input[name="par"]').fill("33")
    first.get_by_role("button", name="保存").click()
    until(lambda: (3, 33) in _levels(running_app), 10, "the levels were not kept")
    first.locator('input[name="par"]').fill("1")  # below the minimum: refused, named
    first.get_by_role("button", name="保存").click()
    page.wait_for_selector("#cab-message")

    current = first.locator(".slot-item").inner_text().strip()
    first.locator(".slot-item").click()  # another item in a slot that still holds units
    page.get_by_role("option").filter(has_not_text=current).first.click()
    first.get_by_role("button", name="换品").click()
    page.wait_for_function(
        "() => (document.querySelector('#cab-message')?.innerText || '').includes('清空后才能换品')"
    )

    page.click("#cab-credentials")
    page.wait_for_selector("#cab-secret")
    assert len(page.inner_text("#cab-secret").split(": ")[1].strip()) == 64

    page.click("#cab-tare-slot")
    page.get_by_role("option").first.click()
    page.click("#cab-tare")
    page.locator("#cab-commands .command-row", has_text="去皮").first.wait_for(timeout=10_000)
    screenshot(page, "cabinets-1440")
    context.close()


def _employee_no_and_last_door(app: RunningApp) -> tuple[str, DoorSession | None]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            person = session.exec(
                select(User)
                .join(Account, Account.id == User.account_id)
                .where(Account.username == "xy_employee")
            ).one()
            door = session.exec(
                select(DoorSession)
                .where(DoorSession.user_id == person.id)
                .order_by(DoorSession.id.desc())
            ).first()
            return person.employee_no, door
    finally:
        engine.dispose()


def test_unlock_for_an_employee_without_their_badge(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    employee_no, _ = _employee_no_and_last_door(running_app)
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/cabinets")
    page.wait_for_selector('#cabinets[data-loaded="true"]', timeout=60_000)
    page.locator("#cab-table .cab-row", has_text=powered_cabinet.spec.identity.code).click()
    page.wait_for_selector("#cab-chosen .slot-row")
    page.fill("#cab-unlock-who", "E9999")
    page.click("#cab-unlock")
    page.wait_for_function(
        "() => (document.querySelector('#cab-message')?.innerText || '').includes('E9999')"
    )
    cabinet = powered_cabinet.cabinet
    cabinet.unlocked.clear()
    page.fill("#cab-unlock-who", employee_no)
    page.click("#cab-unlock")
    # 25 s: a first send lost while the cabinet reconnects is recovered by the 15 s resend
    until(cabinet.unlocked.is_set, 25, "the unlock never reached the cabinet")
    assert cabinet.unlock.by["method"] == "command"
    # the cabinet's ack reaches the page by itself (pushed: nobody clicks refresh)
    page.wait_for_function(
        """() => [...document.querySelectorAll('#cab-commands .command-row')].some(
            r => r.innerText.includes('开锁') && r.innerText.includes('已完成'))""",
        timeout=10_000,
    )
    screenshot(page, "cabinets-unlock-1440")
    door = {"session": cabinet.unlock.session, "by": cabinet.unlock.by}
    powered_cabinet.run(open_take_close(cabinet, door, {}, unit_g=powered_cabinet.spec.unit_g))
    until(
        lambda: _employee_no_and_last_door(running_app)[1].status not in ("unlocking", "open"),
        15,
        "the door session never closed",
    )
    _, last = _employee_no_and_last_door(running_app)
    assert last.auth_method == "console"
    context.close()
