"""A withdrawal end to end, as the employee sees it: they open the demo cabinet from their phone
(Chromium, 390×844), a simulated cabinet on `make run`'s broker receives the unlock, items come
off its scales, the door closes, and the phone shows what was recorded, with the right lines,
within a second of the door closing.

This module runs after the all-handlers test on purpose: it changes tenant A's rows."""

from __future__ import annotations

import time

from hardware.simulator.employees import open_take_close
from tests.browser.conftest import RunningApp, open_from_phone, screenshot
from tests.browser.powered import Powered, item_on

SHOWN_WITHIN_S = 1.0


def test_what_the_cabinet_recorded_is_on_the_phone_within_a_second(
    browser, running_app: RunningApp, powered_cabinet: Powered
) -> None:
    slot = next(
        code for code, (_, units) in sorted(powered_cabinet.spec.stock.items()) if units >= 2
    )
    item = item_on(running_app, slot)
    context, page, door = open_from_phone(browser, running_app, powered_cabinet)
    cabinet = powered_cabinet.cabinet
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
