"""A withdrawal end to end, as the employee sees it: they open the demo cabinet from their phone
(Chromium, 390×844), a simulated cabinet on `make run`'s broker receives the unlock, items come
off its scales, the door closes, and the phone shows what was recorded, with the right lines,
within a second of the door closing.

This module runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from app.cabinets.credentials import provision
from app.cabinets.models import Cabinet, Slot
from app.core.db import make_engine
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.inventory.models import Stock
from app.items.models import Item
from app.tenants.models import Tenant
from hardware.simulator.cabinet import CabinetIdentity, SimulatedCabinet
from hardware.simulator.employees import open_take_close
from hardware.simulator.fleet import SimulatedSpec, spec_of
from hardware.simulator.run import FleetOptions, build_cabinet
from tests.browser.conftest import RunningApp, employee_on_phone, screenshot

CODE = "CAB-XY-001"
SHOWN_WITHIN_S = 1.0


@dataclass
class Powered:
    cabinet: SimulatedCabinet
    loop: asyncio.AbstractEventLoop
    spec: SimulatedSpec

    def run(self, coroutine) -> object:
        """Run a coroutine on the cabinet's own event loop (Playwright owns this thread's)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)


def _spec(app: RunningApp) -> tuple[SimulatedSpec, int]:
    """CAB-XY-001 as planned and stocked, with credentials made with the app's own key."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == CODE)).one()
            tenant = session.get(Tenant, cabinet.tenant_id)
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="test"),
                secret_key=(app.data_dir / "secret_key").read_text().strip(),
            )
            session.commit()
            identity = CabinetIdentity(
                tenant.code, CODE, creds.mqtt_username, bytes.fromhex(creds.secret_hex)
            )
            return spec_of(session, cabinet, identity), cabinet.id
    finally:
        engine.dispose()


@pytest.fixture
def powered_cabinet(running_app: RunningApp, tmp_path) -> Iterator[Powered]:
    spec, cabinet_id = _spec(running_app)
    options = FleetOptions(
        broker=("127.0.0.1", running_app.mqtt_port),
        outbox_dir=tmp_path,
        visits_per_min=0,  # nobody but our employee
        heartbeat_s=2,
    )
    loop = asyncio.new_event_loop()
    ready: Future[tuple[SimulatedCabinet, asyncio.Event]] = Future()

    async def power_on() -> None:
        cabinet, stop = build_cabinet(spec, options, seed=1), asyncio.Event()
        ready.set_result((cabinet, stop))
        await cabinet.run(stop)

    thread = threading.Thread(target=loop.run_until_complete, args=(power_on(),), daemon=True)

    thread.start()
    cabinet, stop = ready.result(timeout=10)
    powered = Powered(cabinet, loop, spec)
    try:
        _until(lambda: _online(running_app, cabinet_id), 30, "the cabinet never came online")
        yield powered
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=15)


def _online(app: RunningApp, cabinet_id: int) -> bool:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.get(Cabinet, cabinet_id).is_online
    finally:
        engine.dispose()


def _until(condition, within_s: float, failure: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


def _item_on(app: RunningApp, slot_code: str) -> str:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.exec(
                select(Item.name)
                .join(Stock, Stock.item_id == Item.id)
                .join(Slot, Slot.id == Stock.slot_id)
                .join(Cabinet, Cabinet.id == Slot.cabinet_id)
                .where(Cabinet.code == CODE, Slot.code == slot_code)
            ).one()
    finally:
        engine.dispose()


def test_what_the_cabinet_recorded_is_on_the_phone_within_a_second(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    slot = next(
        code for code, (_, units) in sorted(powered_cabinet.spec.stock.items()) if units >= 2
    )
    item = _item_on(running_app, slot)
    context, page = employee_on_phone(browser, running_app)
    page.goto(running_app.url + f"/m/cabinet/{CODE}")
    page.wait_for_selector('#cabinet-phone[data-loaded="true"]', timeout=30_000)

    cabinet = powered_cabinet.cabinet
    cabinet.unlocked.clear()
    page.click("#open-door")
    page.wait_for_selector("#door-message", timeout=15_000)
    assert "正在开锁" in page.inner_text("#door-message"), page.inner_text("#door-message")
    _until(cabinet.unlocked.is_set, 15, "the unlock never reached the cabinet")
    unlock = cabinet.unlock
    door = {"session": unlock.session, "by": unlock.by}
    assert door["by"]["method"] == "qr"

    closed = powered_cabinet.run(
        open_take_close(cabinet, door, {slot: 2}, unit_g=powered_cabinet.spec.unit_g)
    )
    expected = f"{item} × 2"
    page.wait_for_function(
        """([expected]) => {
            const first = document.querySelector('.visit');
            return first && first.dataset.state === 'committed'
                && first.innerText.includes(expected);
        }""",
        arg=[expected],
        timeout=15_000,
        polling="raf",
    )
    shown_after_s = time.time() - closed["at"] / 1000
    print(f"phone_shows_withdrawal_s={shown_after_s:.3f}")
    screenshot(page, "phone-withdrawal-recorded-390")
    assert "本次领用已记录" in page.inner_text("#door-message")
    assert shown_after_s < SHOWN_WITHIN_S, f"shown {shown_after_s:.2f}s after the door closed"
    context.close()
