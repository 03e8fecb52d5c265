"""The cabinet client written from docs/protocol.md alone (tests/field/docs_client.py) against
`make run` itself (issue 16): 海天贸易's admin provisions a cabinet in the console and downloads its
bundle; the client, given only that file, connects to the embedded broker, boots and gets its
slot layout; the provider's staff member opens it from the console to fill it; an employee's
badge is answered, unlocks it, and what they take becomes their withdrawal; refused messages come
back to the cabinet and show on the cabinet page; an unlock the firmware never acknowledges frees
the cabinet within its expiry by `make run`'s own schedule."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, select

from app.cabinets.models import Cabinet
from app.core.db import make_engine
from app.inventory.models import Stock
from app.org.models import User
from app.tenants.models import Tenant
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from tests.browser.conftest import RunningApp, screenshot, sign_in
from tests.browser.powered import until
from tests.browser.provisioning import download_bundle, open_registration, plan, register
from tests.field.docs_client import FieldCabinet, Provisioning

ITEM = "便利贴 76×76"
# 海天贸易, not 星月: the other browser tests count 星月's cabinets and withdrawals
ADMIN, TENANT = "ht_admin", "TN-HT"
T = TypeVar("T")


class OnItsLoop:
    """The client runs on its own event loop in a thread (Playwright owns the test's); what the
    person at the cabinet does is run there too (its outbox is a thread-bound SQLite)."""

    def __init__(self, cabinet: FieldCabinet, loop: asyncio.AbstractEventLoop) -> None:
        self.cabinet, self.loop = cabinet, loop

    def __call__(self, act: Callable[..., T], *args: Any) -> T:
        async def run() -> T:
            return act(*args)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout=10)


@contextmanager
def powered(prov: Provisioning, outbox: Path, **options: Any) -> Iterator[OnItsLoop]:
    loop = asyncio.new_event_loop()
    ready: Future[tuple[FieldCabinet, asyncio.Event]] = Future()
    failed: list[BaseException] = []

    async def power_on() -> None:
        cabinet, stop = FieldCabinet(prov, outbox, {}, **options), asyncio.Event()
        ready.set_result((cabinet, stop))
        try:
            await cabinet.run(stop)
        except BaseException as error:  # shown by the test instead of a silent thread
            failed.append(error)

    thread = threading.Thread(target=loop.run_until_complete, args=(power_on(),), daemon=True)
    thread.start()
    cabinet, stop = ready.result(timeout=10)
    try:
        until(lambda: cabinet.ready.is_set() or bool(failed), 30, "the client never booted")
        assert not failed, failed
        yield OnItsLoop(cabinet, loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)


def _read(app: RunningApp, query: Callable[[Session], T]) -> T:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return query(session)
    finally:
        engine.dispose()


def _doors(app: RunningApp, code: str) -> list[DoorSession]:
    def query(session: Session) -> list[DoorSession]:
        cabinet = session.exec(select(Cabinet).where(Cabinet.code == code)).one()
        doors = select(DoorSession).where(DoorSession.cabinet_id == cabinet.id)
        return list(session.exec(doors.order_by(DoorSession.id)))

    return _read(app, query)


def _stock(app: RunningApp, code: str) -> int:
    def query(session: Session) -> int:
        cabinet = session.exec(select(Cabinet).where(Cabinet.code == code)).one()
        rows = session.exec(select(Stock).where(Stock.cabinet_id == cabinet.id)).all()
        return sum(r.quantity for r in rows)

    return _read(app, query)


def _withdrawn(app: RunningApp, code: str) -> list[tuple[str, int]]:
    """(the person's name, quantity) of each line of the cabinet's withdrawals."""

    def query(session: Session) -> list[tuple[str, int]]:
        rows = session.exec(
            select(User.name, WithdrawalLine.quantity)
            .join(Withdrawal, Withdrawal.id == WithdrawalLine.withdrawal_id)
            .join(Cabinet, Cabinet.id == Withdrawal.cabinet_id)
            .join(User, User.id == Withdrawal.user_id)
            .where(Cabinet.code == code)
        )
        return [tuple(r) for r in rows]

    return _read(app, query)


def _employee(app: RunningApp) -> tuple[str, str]:
    """An active employee of 海天贸易 with a badge: their name and the card they carry."""

    def query(session: Session) -> tuple[str, str]:
        person = session.exec(
            select(User)
            .join(Tenant, Tenant.id == User.tenant_id)
            .where(Tenant.code == TENANT, User.is_active, User.badge_card_no.is_not(None))
            .order_by(User.id)
        ).first()
        return person.name, person.badge_card_no

    return _read(app, query)


def _open_cabinet_page(page, app: RunningApp, code: str) -> None:
    page.goto(app.url + "/cabinets")
    page.wait_for_selector('#cabinets[data-loaded="true"]', timeout=60_000)
    page.locator("#cab-table .cab-row", has_text=code).click()
    page.wait_for_selector("#cab-refusals", timeout=15_000)


def test_the_document_s_client_works_a_cabinet_provisioned_in_make_run(
    browser, running_app: RunningApp, tmp_path
) -> None:
    code = f"CAB-FLD-{uuid.uuid4().hex[:4].upper()}"
    admin_context, admin = sign_in(browser, running_app, ADMIN)
    open_registration(admin, running_app)
    register(admin, code, "九楼文具柜")
    plan(admin, "A1", ITEM)
    bundle = json.loads(download_bundle(admin, tmp_path).read_text(encoding="utf-8"))
    prov = Provisioning.from_bundle(bundle)  # the bundle alone: the client reads nothing else
    assert prov.port == running_app.mqtt_port

    with powered(prov, tmp_path / "outbox.sqlite", heartbeat_s=2) as call:
        cabinet = call.cabinet
        assert cabinet.boot_answer is not None and cabinet.boot_answer["result"] == "accepted"
        until(lambda: cabinet.layout is not None, 30, "no cmd.config reached the cabinet")
        (slot,) = cabinet.layout["slots"]
        assert slot["slot"] == "A1" and slot["unit_mg"] > 0
        unit_mg = slot["unit_mg"]

        # the provider's staff member opens it from the console and puts 5 in
        # (provider staff's home does not load yet: issue 18's navigation by role)
        staff_context, staff = sign_in(browser, running_app, "hx_staff", landed=None)
        _open_cabinet_page(staff, running_app, code)
        staff.click("#cab-restock")
        staff.wait_for_selector("#cab-notice", timeout=15_000)
        screenshot(staff, "field-client-restock-by-staff-1440")
        until(lambda: cabinet.unlock is not None, 20, "the restock unlock never came")
        call(cabinet.open_door)
        call(cabinet.take, "A1", -5 * unit_mg)
        call(cabinet.close_door)
        until(lambda: _stock(running_app, code) == 5, 20, "the restock was not booked")
        assert _doors(running_app, code)[-1].purpose == "restock"
        staff_context.close()

        # refused: an unknown badge is answered with a line for the screen
        call(cabinet.badge, "NOBODY01")
        until(lambda: len(cabinet.decided) == 1, 20, "the unknown badge was not answered")
        assert (cabinet.decided[0]["result"], cabinet.decided[0]["code"]) == (
            "refused",
            "unknown_card",
        )
        assert cabinet.screen[-1] and cabinet.unlock is None

        # the employee's badge: granted, unlocked; two taken become their withdrawal
        name, card = _employee(running_app)
        badge = call(cabinet.badge, card)
        until(lambda: len(cabinet.decided) == 2 and cabinet.unlock is not None, 20, "no unlock")
        assert (cabinet.decided[1]["ref"], cabinet.decided[1]["result"]) == (badge, "granted")
        call(cabinet.open_door)
        call(cabinet.take, "A1", 2 * unit_mg)
        call(cabinet.close_door)
        until(lambda: _withdrawn(running_app, code) == [(name, 2)], 20, "no withdrawal")
        assert _stock(running_app, code) == 3
        until(lambda: not call(cabinet.outbox), 20, "the outbox never emptied")

        # refused: a malformed alarm is answered `schema`, kept, and counted on the cabinet page
        bad = call(cabinet.emit, "alarm", {"kind": "gremlins", "at": cabinet.now_ms()})
        until(lambda: bool(call(cabinet.refused)), 20, "the refusal never came back")
        assert call(cabinet.refused) == [(bad, "alarm", "schema")]
        _open_cabinet_page(admin, running_app, code)
        admin.locator("#cab-refusals .refusal-row").first.wait_for(timeout=15_000)
        screenshot(admin, "field-client-cabinet-page-1440")

        # the firmware never acknowledges an unlock: make run's sweep frees the cabinet
        cabinet.ack_unlocks = False
        call(cabinet.badge, card)
        until(lambda: cabinet.unlock is not None, 20, "no unlock for the second visit")
        until(lambda: _doors(running_app, code)[-1].status == "expired", 75, "still wedged")
        assert _doors(running_app, code)[-1].identification["reason"] == "unlock_failed"
        cabinet.ack_unlocks, cabinet.unlock = True, None  # mended; the next badge opens
        again = call(cabinet.badge, card)
        until(lambda: cabinet.decided[-1]["ref"] == again, 20, "the next badge was not answered")
        assert cabinet.decided[-1]["result"] == "granted"
    admin.click("#cab-decommission")  # retired: its history stays, the fleet is as it was
    admin.click("#cab-decommission-confirm")
    admin.locator("#cab-table .cab-row", has_text=code).wait_for(state="detached", timeout=15_000)
    admin_context.close()
