"""The work orders page as its two users use it. A tenant admin: the open orders with company,
cabinet and site, one's pick list through the explicit "查看" row action, dispatch offered only
to the provider's staff. Provider staff (hx_staff): from the work orders page, today's combined
pick list of a cabinet in at most 3 clicks, with the items and quantities the open orders sum
to, a print view and an Excel export; in English the generated titles are English; no sideways
scrolling at 1440×900 or 390×844. This module runs after the all-handlers test: it changes
tenant A's rows."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.auth.models import Account
from app.cabinets.models import Cabinet, Slot
from app.core.db import make_engine
from app.demo.services.catalogue import DEMO_PASSWORD
from app.inventory.models import PlanogramEntry
from app.items.models import Item
from app.tenants.models import ProviderStaff
from app.workorders.models import WorkOrder, WorkOrderKind, WorkOrderLine
from app.workorders.services.workorders import OPEN, PickLine, open_once
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

CJK = re.compile(r"[\u4e00-\u9fff]")


def _app_session(app: RunningApp):
    return Session(make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}"))


@pytest.fixture(scope="module", autouse=True)
def open_orders(running_app: RunningApp) -> None:
    """Open restock orders whatever today's demo left open: two slots of CAB-XY-003 (the first
    asked for twice: the pick list sums them) and one of CAB-XY-001, on the same floor (route)."""
    with _app_session(running_app) as session:
        for code, slots in (("CAB-XY-003", 2), ("CAB-XY-001", 1)):
            cabinet = session.exec(select(Cabinet).where(Cabinet.code == code)).one()
            planned = session.exec(
                select(PlanogramEntry, Slot, Item)
                .join(Slot, Slot.id == PlanogramEntry.slot_id)
                .join(Item, Item.id == PlanogramEntry.item_id)
                .where(PlanogramEntry.cabinet_id == cabinet.id)
                .order_by(Slot.code)
            ).all()[:slots]
            for n, (_, slot, item) in enumerate([*planned[:1], *planned]):
                open_once(
                    session=session,
                    cabinet=cabinet,
                    kind=WorkOrderKind.replenishment,
                    dedupe_key=f"test:{n}:replenish:slot:{slot.id}:item:{item.id}",
                    title_key="workorder.replenish",
                    title_params={
                        "cabinet": cabinet.name,
                        "code": cabinet.code,
                        "slot": slot.code,
                        "item": item.name,
                        "stock": 1,
                        "minimum": 3,
                    },
                    lines=[PickLine(slot.id, item.id, 4 + n)],
                )
        session.commit()


def _needed(app: RunningApp, cabinet_id: int) -> Counter:
    """What the open orders of a cabinet still need, per (slot, item), read from the database."""
    with _app_session(app) as session:
        rows = session.exec(
            select(
                Slot.code, Item.name, WorkOrderLine.quantity_requested, WorkOrderLine.quantity_done
            )
            .join(WorkOrder, WorkOrder.id == WorkOrderLine.work_order_id)
            .join(Slot, Slot.id == WorkOrderLine.slot_id)
            .join(Item, Item.id == WorkOrderLine.item_id)
            .where(WorkOrder.cabinet_id == cabinet_id, WorkOrder.status.in_(OPEN))
        ).all()
    needed: Counter = Counter()
    for slot, item, requested, done in rows:
        needed[(slot, item)] += max(requested - done, 0)
    return +needed


WIDEST = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 6).map(e => [e.tagName, e.id, e.className.toString().slice(0, 50),
                          Math.round(e.getBoundingClientRect().right)])"""


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]"),
        page.evaluate(WIDEST),
    )


def _staff_at_workorders(browser, app: RunningApp, *, width: int, height: int):
    """hx_staff signed in through the real form, on the work orders page where staff land."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url + "/login")
    page.fill("#login", "hx_staff")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    if not at_path(app, "/workorders").match(page.url):  # until staff land there themselves
        page.goto(app.url + "/workorders")
    page.wait_for_selector('#workorders[data-loaded="true"]', timeout=60_000)
    return context, page


def test_admin_views_an_order_and_dispatches_only_to_staff(browser, running_app) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/workorders")
    page.wait_for_url(at_path(running_app, "/workorders"))
    page.wait_for_selector('#workorders[data-loaded="true"]', timeout=60_000)
    headers = page.inner_text("#wo-table thead")
    for column in ("企业", "智能柜", "地点（路线）", "操作"):
        assert column in headers
    rows = page.locator("#wo-table .wo-row")
    assert rows.count() >= 1
    first = rows.first.inner_text()
    assert "待处理" in first and "星月科技" in first and "XY-" in first, first
    title = rows.first.locator("td").nth(1).inner_text()
    rows.first.get_by_role("button", name="查看").click()
    page.wait_for_selector("#wo-chosen")
    assert "拣货单" in page.inner_text("#wo-chosen")
    page.click("#wo-staff")
    offered = [o.inner_text() for o in page.get_by_role("option").all()]
    with _app_session(running_app) as session:
        admins = session.exec(
            select(Account.display_name)
            .join(ProviderStaff, ProviderStaff.account_id == Account.id)
            .where(ProviderStaff.role == "admin")
        ).all()
    assert offered and not set(offered) & set(admins), (offered, admins)
    staff = page.get_by_role("option").first
    name = staff.inner_text()
    staff.click()
    page.click("#wo-assign")
    assigned = page.locator("#wo-table .wo-row", has_text=title).first
    assigned.get_by_text(name).wait_for(timeout=10_000)
    assert "已派单" in assigned.inner_text()
    _no_sideways_scroll(page)
    screenshot(page, "workorders-admin-1440")
    context.close()


def test_staff_open_a_cabinets_combined_pick_list_in_three_clicks(browser, running_app) -> None:
    context, page = _staff_at_workorders(browser, running_app, width=1440, height=900)
    clicks = 0
    _no_sideways_scroll(page)
    screenshot(page, "workorders-staff-1440")
    link = page.locator(".wo-pick-cabinet-link", has_text="CAB-XY-003")
    cabinet_id = int(link.get_attribute("href").split("cabinet=")[1])
    link.click()
    clicks += 1
    page.wait_for_url(at_path(running_app, "/workorders/picklist"))
    page.wait_for_selector('#picklist[data-loaded="true"]', timeout=60_000)
    assert clicks <= 3
    with _app_session(running_app) as session:
        cabinet = session.get(Cabinet, cabinet_id)
    assert cabinet.name in page.inner_text(
        "#picklist-sheet h1, #picklist-sheet h2, #picklist-sheet"
    )
    shown = Counter()
    for row in page.locator(".pick-stop tbody tr").all():
        cells = [c.inner_text() for c in row.locator("td").all()]
        shown[(cells[0], cells[1])] += int(cells[3])
    expected = _needed(running_app, cabinet_id)
    assert expected and shown == expected, (shown, expected)
    # the print button prints; printed, the sheet stands alone (no buttons, no navigation)
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    page.click("#pick-print")
    assert page.evaluate("() => window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.is_visible("#pick-xlsx") and page.is_visible("#picklist-sheet")
    screenshot(page, "workorders-picklist-print")
    page.emulate_media(media="screen")
    with page.expect_download() as downloaded:
        page.click("#pick-xlsx")
    assert downloaded.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    exported = Counter()
    for row in list(book["拣货单"].iter_rows(values_only=True))[1:]:
        exported[(row[4], row[5])] += row[7]
    assert exported == expected
    _no_sideways_scroll(page)
    screenshot(page, "workorders-picklist-1440")
    context.close()


def test_staff_pages_in_english_and_on_a_phone(browser, running_app) -> None:
    context, page = _staff_at_workorders(browser, running_app, width=390, height=844)
    screenshot(page, "workorders-staff-390")
    _no_sideways_scroll(page)
    page.click("#lang-switch")
    page.get_by_text("Combined pick list").wait_for(timeout=10_000)
    titles = [r.locator("td").nth(1).inner_text() for r in page.locator("#wo-table .wo-row").all()]
    assert titles and all(t.startswith("Restock") for t in titles), titles
    assert not CJK.search(page.inner_text("#wo-table thead"))
    _no_sideways_scroll(page)
    screenshot(page, "workorders-staff-390-en")
    page.locator(".wo-pick-route-link").first.click()
    page.wait_for_selector('#picklist[data-loaded="true"]', timeout=60_000)
    page.get_by_text("Load totals").wait_for(timeout=10_000)
    assert page.locator("#pick-totals tbody tr").count() >= 1
    _no_sideways_scroll(page)
    screenshot(page, "workorders-route-390-en")
    page.set_viewport_size({"width": 1440, "height": 900})
    _no_sideways_scroll(page)
    screenshot(page, "workorders-route-1440-en")
    page.click("#pick-back")
    page.wait_for_selector("#wo-table .wo-title", timeout=30_000)
    titles = page.locator("#wo-table .wo-title").all_inner_texts()
    assert titles and all(t.startswith("Restock") for t in titles), titles
    assert not CJK.search(page.inner_text("#wo-table thead"))
    _no_sideways_scroll(page)
    screenshot(page, "workorders-staff-1440-en")
    context.close()


def test_staff_start_an_order_and_mark_it_done(browser, running_app) -> None:
    context, page = _staff_at_workorders(browser, running_app, width=1440, height=900)
    with _app_session(running_app) as session:
        me = session.exec(
            select(ProviderStaff.name)
            .join(Account, Account.id == ProviderStaff.account_id)
            .where(Account.username == "hx_staff")
        ).one()
    row = page.locator("#wo-table .wo-row", has_text="CAB-XY-003").filter(has_text="待处理").first
    title = row.locator(".wo-title").inner_text()
    row.get_by_role("button", name="查看").click()
    page.wait_for_selector("#wo-start")
    assert title in page.inner_text("#wo-chosen")
    screenshot(page, "workorders-staff-detail-1440")
    page.click("#wo-start")
    started = page.locator("#wo-table .wo-row", has_text=title).filter(has_text="处理中").first
    started.get_by_text(me).wait_for(timeout=10_000)  # the one who starts it takes it
    started.get_by_role("button", name="查看").click()
    page.wait_for_selector("#wo-finish")
    assert not page.is_visible("#wo-start")
    page.click("#wo-finish")
    page.wait_for_selector("#wo-chosen", state="detached")
    page.locator("#wo-status").get_by_role("radio", name="已完成").click()
    page.locator("#wo-table .wo-row", has_text=title).first.wait_for(timeout=10_000)
    context.close()
