"""The employee's phone page for a cabinet (/m/cabinet/<code>, what its QR code opens), in
Chromium at 390×844: the cabinet of their company, the open button going through the badge's
checks (the answer in their language), and another company's cabinet not shown at all."""

from __future__ import annotations

import re

from sqlmodel import select

from app.cabinets.models import Cabinet, DeviceCommand
from app.cabinets.services.commands import record_ack
from app.core.db import make_engine, session_scope
from app.withdrawals.models import DoorSession
from tests.browser.conftest import RunningApp, employee_on_phone, screenshot
from tests.browser.powered import Powered

OPENING_OR_REFUSED = re.compile("正在开锁|智能柜离线|有人正在使用")


def test_an_employee_opens_their_cabinet_from_the_phone(browser, running_app: RunningApp) -> None:
    context, page = employee_on_phone(browser, running_app)
    page.goto(running_app.url + "/m/cabinet/CAB-XY-001")
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=30_000)
    assert "领用柜" in page.inner_text("#cab-name")
    page.click("#open-door")
    page.wait_for_selector("#door-message", timeout=15_000)
    message = page.inner_text("#door-message")
    assert OPENING_OR_REFUSED.search(message), message
    screenshot(page, "phone-cabinet-390")
    if "正在开锁" in message:  # online (a test before powered it): the unlock went to it
        _the_cabinet_answers(running_app)
    context.close()


def test_a_cabinet_that_never_unlocks_says_so_and_is_free_again(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    """The cabinet is online but never answers the unlock: 40 s on, the door-session sweep
    (in-process under `make run`) ends the visit and the phone says the door did not open; the
    button works again."""

    async def deaf(topic: str, payload: bytes) -> None:
        """Heartbeats go on; commands are never carried out nor acknowledged."""

    powered_cabinet.cabinet.on_command = deaf
    context, page = employee_on_phone(browser, running_app)
    page.goto(running_app.url + "/m/cabinet/CAB-XY-001")
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=30_000)
    page.click("#open-door")
    page.wait_for_function(
        "() => (document.querySelector('#door-message')?.innerText || '').includes('正在开锁')",
        timeout=15_000,
    )
    page.wait_for_function(
        "() => (document.querySelector('#door-message')?.innerText || '').includes('柜机没有开锁')",
        timeout=90_000,
    )
    screenshot(page, "phone-unlock-failed-390")
    page.click("#open-door")  # the cabinet is free: the next try goes to it again
    page.wait_for_function(
        "() => (document.querySelector('#door-message')?.innerText || '').includes('正在开锁')",
        timeout=15_000,
    )
    _the_cabinet_answers(running_app)
    context.close()


def _the_cabinet_answers(app: RunningApp) -> None:
    """Answer the unlock as a cabinet would (done) and end the session, so no resend or
    escalation changes tenant A later (the all-handlers test compares tenant A's rows before
    and after)."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with session_scope(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == "CAB-XY-001")).one()
            unlock = session.exec(
                select(DeviceCommand)
                .where(DeviceCommand.cabinet_id == cabinet.id, DeviceCommand.kind == "unlock")
                .order_by(DeviceCommand.id.desc())
            ).first()
            assert record_ack(
                session=session,
                cabinet_id=cabinet.id,
                body={"command": unlock.command_id, "status": "done"},
            )
            door = session.exec(
                select(DoorSession).where(
                    DoorSession.cabinet_id == cabinet.id, DoorSession.status == "unlocking"
                )
            ).one()
            door.status = "cancelled"
    finally:
        engine.dispose()


def test_another_companys_cabinet_is_not_there(browser, running_app: RunningApp) -> None:
    context, page = employee_on_phone(browser, running_app)
    page.goto(running_app.url + "/m/cabinet/CAB-HT-001")  # 海天贸易's cabinet
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=30_000)
    assert "不存在" in page.inner_text("#door-message")
    assert page.inner_text("#cab-name").strip() == ""
    screenshot(page, "phone-cabinet-other-tenant")
    context.close()
