"""The items page as a tenant admin uses it: a new item in the drawer (labelled, required fields
marked, a wrong field named first), the same drawer editing it from the row's Edit action, a
picture, and the unit weight calibrated from a slot's last reading. This module runs after the
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


FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _search(page, text: str) -> None:
    page.fill('#items input[name="search"]', text)
    page.locator("#items form").first.locator("button[type=submit]").click()


def test_new_item_picture_and_calibration(browser, running_app: RunningApp, tmp_path) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/items")
    page.wait_for_url(at_path(running_app, "/items"))
    page.wait_for_selector('#items[data-loaded="true"]', timeout=60_000)
    assert page.locator("#items-table .item-row").count() >= 10
    assert page.locator("#item-editor").count() == 0

    page.click("#item-new")
    drawer = page.locator("#item-editor")
    drawer.wait_for()
    page.wait_for_timeout(600)  # the drawer slides in
    box = drawer.bounding_box()
    assert box["x"] + box["width"] == 1440 and box["x"] > 800  # at the right edge
    for label in ("* 编码", "* 名称", "* 单件重量 (g)", "类别", "单价 (元)", "标签"):
        assert label in drawer.inner_text(), label
    # Save sits at the drawer's bottom, below every field
    save, last = page.locator("#item-save").bounding_box(), page.locator("#item-is_active")
    assert save["y"] > last.bounding_box()["y"]
    assert save["y"] + save["height"] > 900 - 80
    page.fill("#item-sku", "TEST-0001")
    page.fill("#item-name", "测试便签纸")
    page.fill("#item-unit_weight_g", "abc")
    page.click("#item-save")
    page.wait_for_selector("#item-message")
    assert "单件重量" in page.inner_text("#item-message")
    screenshot(page, "items-drawer-error-zh-CN-1440x900")
    page.fill("#item-unit_weight_g", "25")
    page.fill("#item-weight_tolerance_g", "1")
    page.fill("#item-cost", "3.5")
    page.click("#item-save")
    page.wait_for_selector("#item-notice")
    drawer.wait_for(state="detached")
    _search(page, "测试便签纸")
    row = page.locator("#items-table .item-row", has_text="测试便签纸")
    row.wait_for(timeout=10_000)
    assert "25 g" in row.inner_text() and "¥3.50" in row.inner_text()

    row.click()  # a row is not an editor: only its Edit action opens one
    page.wait_for_timeout(300)
    assert page.locator("#item-editor").count() == 0
    row.locator(".item-edit").click()
    page.wait_for_selector("#item-editor #item-cal")
    assert page.input_value("#item-name") == "测试便签纸"
    page.fill("#item-name", "测试便签纸（黄）")
    page.fill("#item-cost", "4")
    page.click("#item-save")
    drawer.wait_for(state="detached")
    _search(page, "测试便签纸")
    row = page.locator("#items-table .item-row", has_text="测试便签纸（黄）")
    row.wait_for(timeout=10_000)
    assert "¥4.00" in row.inner_text()

    row.locator(".item-edit").click()
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
    page.get_by_role("button", name="取消").click()
    drawer.wait_for(state="detached")

    _search(page, "")  # a planned item, with a reading to calibrate from
    page.locator("#items-table .item-row", has_text="中性笔").first.locator(".item-edit").click()
    page.wait_for_selector("#item-editor #item-cal")
    option = page.locator("#item-cal-slot option").filter(has_text=" g").first
    grams = float(re.search(r"([0-9.]+) g", option.inner_text()).group(1))
    page.select_option("#item-cal-slot", option.get_attribute("value"))
    unit = float(page.input_value("#item-unit_weight_g"))
    units = round(grams / unit)  # what is really on the scale: the weight barely moves
    page.fill("#item-cal-count", str(units))
    screenshot(page, "items-drawer-zh-CN-1440x900")
    page.click("#item-cal")
    page.wait_for_function(
        """() => (document.querySelector('#item-notice')?.innerText || '')
            .includes('单件重量已校准为') || document.querySelector('#item-message')"""
    )
    assert page.locator("#item-message").count() == 0, page.inner_text("#item-message")
    calibrated = float(re.search(r"([0-9.]+) g", page.inner_text("#item-notice")).group(1))
    assert abs(calibrated - unit) < unit * 0.05
    page.get_by_role("button", name="取消").click()
    drawer.wait_for(state="detached")
    assert page.evaluate(FITS)
    screenshot(page, "items-1440")
    context.close()


def test_items_drawer_in_english_and_on_a_phone(browser, running_app: RunningApp) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/items")
    page.wait_for_selector('#items[data-loaded="true"]', timeout=60_000)
    page.click("#lang-switch")
    page.wait_for_selector("#item-new:has-text('New item')")
    page.click("#item-new")
    page.locator("#item-editor").wait_for()
    page.fill("#item-sku", "TEST-EN-1")
    page.fill("#item-unit_weight_g", "12")
    page.click("#item-save")  # no name
    page.wait_for_selector("#item-message")
    assert page.inner_text("#item-message") == "Check “Name”"
    assert page.evaluate(FITS)
    screenshot(page, "items-drawer-en-1440x900")
    context.close()

    context, page = sign_in(browser, running_app, "xy_admin", width=390, height=844)
    page.goto(running_app.url + "/items")
    page.wait_for_selector('#items[data-loaded="true"]', timeout=60_000)
    assert page.evaluate(FITS)
    page.locator("#items-table .item-row").first.wait_for()
    screenshot(page, "items-zh-CN-390x844")
    # a phone's table scrolls sideways to its last column (cards are the table component's job)
    page.locator("#items-table .item-row .item-edit").first.dispatch_event("click")
    page.locator("#item-editor").wait_for()
    page.wait_for_timeout(600)  # the drawer slides in
    assert page.evaluate(FITS)
    save = page.locator("#item-save").bounding_box()
    assert save["y"] + save["height"] <= 844 and save["x"] + save["width"] <= 390  # on screen
    screenshot(page, "items-drawer-zh-CN-390x844")
    context.close()
