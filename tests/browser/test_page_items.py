"""The items page as a tenant admin uses it: a new item (a wrong field named first), a picture,
and the unit weight calibrated from a slot's last reading. This module runs after the
all-handlers test: it changes tenant A's rows."""

from __future__ import annotations

import re
import struct
import zlib

from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in


def _png(width: int = 8, height: int = 8) -> bytes:
    """A small teal square, as a real PNG (signature, IHDR, IDAT, IEND with their CRCs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((45, 212, 191)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_new_item_picture_and_calibration(browser, running_app: RunningApp, tmp_path) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/items")
    page.wait_for_url(at_path(running_app, "/items"))
    page.wait_for_selector('#items[data-loaded="true"]', timeout=60_000)
    assert page.locator("#items-table .item-row").count() >= 10

    page.click("#item-new")
    page.fill("#item-sku", "TEST-0001")
    page.fill("#item-name", "测试便签纸")
    page.fill("#item-unit_weight_g", "abc")
    page.click("#item-save")
    page.wait_for_selector("#item-message")
    assert "单件重量" in page.inner_text("#item-message")
    page.fill("#item-unit_weight_g", "25")
    page.fill("#item-weight_tolerance_g", "1")
    page.fill("#item-cost", "3.5")
    page.click("#item-save")
    page.wait_for_selector("#item-notice")
    page.fill('#items input[name="search"]', "测试便签纸")
    page.locator("#items form").first.locator("button[type=submit]").click()
    row = page.locator("#items-table .item-row", has_text="测试便签纸")
    row.wait_for(timeout=10_000)
    assert "25 g" in row.inner_text() and "¥3.50" in row.inner_text()

    row.click()
    page.wait_for_selector("#item-editor #item-cal")
    image = tmp_path / "pad.png"
    image.write_bytes(_png())
    page.set_input_files("#item-image input[type=file]", str(image))
    page.locator("#items-table .item-row img").first.wait_for(timeout=10_000)
    assert (
        page.evaluate(  # the picture is served and decodes
            """async () => { const img = document.querySelector('#items-table .item-row img');
            await img.decode(); return img.naturalWidth; }"""
        )
        == 8
    )

    page.fill('#items input[name="search"]', "")  # a planned item, with a reading to calibrate from
    page.locator("#items form").first.locator("button[type=submit]").click()
    page.locator("#items-table .item-row", has_text="中性笔").first.click()
    page.click("#item-cal-slot")
    option = page.get_by_role("option").filter(has_text=" g").first
    grams = float(re.search(r"([0-9.]+) g", option.inner_text()).group(1))
    option.click()
    unit = float(page.input_value("#item-unit_weight_g"))
    units = round(grams / unit)  # what is really on the scale: the weight barely moves
    page.fill("#item-cal-count", str(units))
    page.click("#item-cal")
    page.wait_for_function(
        """() => (document.querySelector('#item-notice')?.innerText || '')
            .includes('单件重量已校准为') || document.querySelector('#item-message')"""
    )
    assert page.locator("#item-message").count() == 0, page.inner_text("#item-message")
    calibrated = float(re.search(r"([0-9.]+) g", page.inner_text("#item-notice")).group(1))
    assert abs(calibrated - unit) < unit * 0.05
    screenshot(page, "items-1440")
    context.close()
