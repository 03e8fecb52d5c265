"""The camera's evidence as a tenant admin sees it (issue 17): a simulated CAB-XY-001 with its
shelf cameras posting to `make run` itself, an employee opens it from their phone and takes one
unit; the visit is decided with the camera (the see_door job inside `make run`), and the
withdrawal's drawer shows the before and after images with the detector's boxes and the
per-slot counts drawn on them by the server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from app.core.db import make_engine
from app.withdrawals.models import SESSION_PREFIX, DoorSession
from hardware.simulator.employees import open_take_close
from hardware.simulator.run import FleetOptions
from tests.browser.conftest import (
    RunningApp,
    at_path,
    open_from_phone,
    powered_in_thread,
    screenshot,
    sign_in,
)
from tests.browser.powered import Powered, cabinet_spec, is_online, until
from vision.appearance import LOOKS


@pytest.fixture
def camera_cabinet(running_app: RunningApp, tmp_path) -> Iterator[Powered]:
    spec, cabinet_id = cabinet_spec(running_app)
    options = FleetOptions(
        broker=("127.0.0.1", running_app.mqtt_port),
        outbox_dir=tmp_path,
        visits_per_min=0,
        heartbeat_s=2,
        api_url=running_app.url,  # its cameras post to make run's own port
    )
    with powered_in_thread(spec, options, seed=5) as powered:
        until(lambda: is_online(running_app, cabinet_id), 30, "the cabinet never came online")
        yield powered
        powered.loop.call_soon_threadsafe(powered.cabinet.set_network, False)
        until(lambda: not is_online(running_app, cabinet_id), 15, "the cabinet stayed online")


def _door(app: RunningApp, ref: str) -> DoorSession | None:
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            return session.get(DoorSession, int(ref.removeprefix(SESSION_PREFIX)))
    finally:
        engine.dispose()


def _seen(app: RunningApp, ref: str) -> bool:
    door = _door(app, ref)
    return door is not None and door.status in ("committed", "exception")


def test_the_withdrawal_drawer_shows_what_the_camera_saw(
    browser, running_app: RunningApp, camera_cabinet: Powered
) -> None:
    spec = camera_cabinet.spec
    slot = min(
        (w for w in spec.watched if w.looks and spec.stock[w.slot][1] >= 2),
        key=lambda w: LOOKS[w.looks].length_mm * LOOKS[w.looks].width_mm * spec.stock[w.slot][1],
    ).slot
    phone, _, door = open_from_phone(browser, running_app, camera_cabinet)
    body = camera_cabinet.run(
        open_take_close(camera_cabinet.cabinet, door, {slot: 1}, unit_g=spec.unit_g)
    )
    assert len(body["snapshots"]["after"]) == 3  # one per shelf camera, stored by make run
    until(lambda: _seen(running_app, door["session"]), 60, "the visit was never decided")
    decided = _door(running_app, door["session"])
    assert decided.status == "committed", decided.identification
    assert len(decided.identification["vision"]["seen"]) == 6

    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/withdrawals")
    page.wait_for_url(at_path(running_app, "/withdrawals"))
    page.wait_for_selector('#withdrawals[data-loaded="true"]', timeout=60_000)
    page.locator("#wd-table tbody tr").first.click()  # the newest: this visit
    page.wait_for_selector("#wd-camera")
    page.wait_for_function(
        """() => {
            const shots = [...document.querySelectorAll('#wd-camera img.wd-snapshot')];
            return shots.length === 6 && shots.every(i => i.complete && i.naturalWidth === 640);
        }""",
        timeout=20_000,
    )
    text = page.inner_text("#wd-camera")
    assert "开门前" in text and "关门后" in text and slot in text
    page.locator("#wd-camera img.wd-snapshot").nth(3).scroll_into_view_if_needed()
    screenshot(page, "withdrawals-camera-1440")

    # the cabinet page: each camera's latest snapshot with the slots' regions drawn
    page.goto(running_app.url + "/cabinets")
    page.wait_for_url(at_path(running_app, "/cabinets"))
    page.locator(".cab-row", has_text=spec.identity.code).first.click()
    page.wait_for_selector("#cab-cameras")
    page.wait_for_function(
        """() => {
            const views = [...document.querySelectorAll('#cab-cameras img.cab-camera-view')];
            return views.length === 3 && views.every(i => i.complete && i.naturalWidth === 640);
        }""",
        timeout=20_000,
    )
    assert page.locator("#cab-cameras .cab-region").count() == 12
    region = page.locator('#cab-cameras .cab-region[data-slot="A1"]')
    corners = region.locator('input[name="corners"]')
    drawn = corners.input_value()
    corners.fill("0,0 160,0")  # two corners: refused, naming why, nothing changed
    region.get_by_role("button").click()
    page.wait_for_selector("#cam-message")
    assert "3 到 12" in page.inner_text("#cam-message")
    corners.fill(drawn)
    region.get_by_role("button").click()
    page.wait_for_selector("#cam-notice")
    assert "A1" in page.inner_text("#cam-notice")
    page.locator("#cab-cameras").scroll_into_view_if_needed()
    screenshot(page, "cabinet-cameras-1440")
    context.close()

    # the employee's own phone: the visit with the after image of their slots
    mine = phone.pages[0]
    mine.goto(running_app.url + "/m")
    visit = mine.locator(f'.my-visit[data-visit="{decided.id}"]')
    visit.wait_for(timeout=30_000)
    mine.wait_for_function(
        """([id]) => {
            const img = document.querySelector(`.my-visit[data-visit="${id}"] img.my-visit-photo`);
            return img && img.complete && img.naturalWidth > 100;
        }""",
        arg=[decided.id],
        timeout=20_000,
    )
    screenshot(mine, "phone-visit-camera-390")
    assert mine.evaluate(
        "fetch('/api/doors/' + arguments[0] + '/snapshots/x.jpg').then(r => r.status)".replace(
            "arguments[0]", str(decided.id)
        )
    ) in (401, 403)  # the console's route is not the phone's: no withdrawal:read
    phone.close()
