"""Provisioning end to end (issue 16): in Chromium, a tenant admin registers a cabinet on the
cabinets page, plans an item in one of its empty slots and downloads its provisioning bundle; a
simulated cabinet started from that file alone connects to `make run`'s embedded broker, comes
online, gets its slot layout (`cmd.config`) and acknowledges it; an employee then opens it from
the phone page its QR label points to."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from app.cabinets.models import Cabinet, DeviceCommand
from app.core.db import make_engine
from hardware.simulator.employees import open_take_close
from hardware.simulator.fleet import spec_from_bundle
from hardware.simulator.run import FleetOptions
from tests.browser.conftest import (
    RunningApp,
    open_from_phone,
    powered_in_thread,
    screenshot,
    sign_in,
)
from tests.browser.powered import until
from tests.browser.provisioning import choose, download_bundle, open_registration, plan, register


def _cabinet(app: RunningApp, code: str) -> tuple[Cabinet | None, list[DeviceCommand]]:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == code)).first()
            if cabinet is None:
                return None, []
            configs = session.exec(
                select(DeviceCommand).where(
                    DeviceCommand.cabinet_id == cabinet.id, DeviceCommand.kind == "push_config"
                )
            ).all()
            return cabinet, list(configs)
    finally:
        engine.dispose()


def test_an_admin_registers_a_cabinet_that_comes_up_from_its_bundle_alone(
    browser, running_app: RunningApp, tmp_path
) -> None:
    code = f"CAB-NEW-{uuid.uuid4().hex[:4].upper()}"
    context, page = sign_in(browser, running_app, "xy_admin")
    open_registration(page, running_app)
    page.fill("#reg-code", "x")  # a bad code: refused, the field named
    page.fill("#reg-name", "八楼新领用柜")
    choose(page, "#reg-model", "SC-24M")
    page.click("#reg-submit")
    page.wait_for_selector("#reg-message")
    assert "柜号" in page.inner_text("#reg-message")
    register(page, code, "八楼新领用柜")
    assert code in page.inner_text("#cab-chosen-name")
    assert len(page.inner_text("#cab-secret").split(": ")[1].strip()) == 64

    plan(page, "A1")  # the new cabinet's slots are empty: plan one
    bundle_path = download_bundle(page, tmp_path)
    assert bundle_path.name == f"{code}-provisioning-v1.json"
    screenshot(page, "cabinets-provisioning-1440")
    page.click("#cab-label")
    page.wait_for_selector("#cab-label-url")
    assert page.inner_text("#cab-label-url").endswith(f"/m/cabinet/{code}")
    screenshot(page, "cabinets-label-1440")
    page.keyboard.press("Escape")

    spec, broker = spec_from_bundle(bundle_path)  # the file alone: no database, no secret key
    assert broker == ("127.0.0.1", running_app.mqtt_port)
    options = FleetOptions(broker=broker, outbox_dir=tmp_path, visits_per_min=0, heartbeat_s=2)
    with powered_in_thread(spec, options, seed=3) as powered:
        cabinet = powered.cabinet
        until(lambda: _cabinet(running_app, code)[0].is_online, 30, "it never came online")
        until(
            lambda: [c.status for c in _cabinet(running_app, code)[1]] == ["succeeded"],
            30,
            "its slot layout was not acknowledged",
        )
        assert cabinet.configured.is_set()
        assert [s["slot"] for s in cabinet.layout["slots"]] == ["A1"]

        phone, screen, door = open_from_phone(browser, running_app, powered)
        screenshot(screen, "phone-provisioned-cabinet-390")
        # the employee's visit ends (nothing taken): their own door no longer holds the page
        powered.run(open_take_close(powered.cabinet, door, {}, unit_g=powered.spec.unit_g))
        screen.wait_for_selector("#open-door", timeout=30_000)

        page.click("#cab-maintenance-on")  # no employee opens it now, whatever the reason
        page.wait_for_selector("#cab-maintenance-off")
        screen.click("#open-door")
        screen.wait_for_function(
            "() => (document.querySelector('#door-message')?.innerText || '').includes('维护中')",
            timeout=15_000,
        )
        phone.close()

    page.click("#cab-decommission")
    page.click("#cab-decommission-confirm")
    until(lambda: _cabinet(running_app, code)[0].status == "retired", 15, "not decommissioned")
    assert _cabinet(running_app, code)[0].secret_ciphertext is None
    page.locator("#cab-table .cab-row", has_text=code).wait_for(state="detached", timeout=10_000)
    context.close()
