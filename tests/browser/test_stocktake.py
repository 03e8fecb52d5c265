"""A stocktake as a tenant admin does it: count a cabinet with one slot one short, submit (below
the approval threshold, so it applies at once), read the report, and find the counted quantity
on the stock page; the ledger reconciles afterwards. Above the threshold the count waits, the
counter cannot approve it, and the provider's admin does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session, select

from app.cabinets.models import Cabinet
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.inventory.models import StockMovement, Stocktake
from app.inventory.services.inventory import reconcile_ledger
from app.inventory.services.stocktake import APPROVAL
from app.tenants.models import Tenant
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in

CABINET = "CAB-XY-001"


@contextmanager
def _database(app: RunningApp) -> Iterator[Session]:
    """The running app's own database (the test reads it and sets a policy in it)."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _pick_cabinet(page) -> None:
    value = page.locator("#stocktake-cabinet option", has_text=CABINET).get_attribute("value")
    page.select_option("#stocktake-cabinet", value)


def _count_all_but_one_short(page) -> tuple[str, str, int]:
    """Every line counted as the ledger says, except the first with stock: one short. Returns
    that line's slot, item and counted quantity."""
    lines = page.locator("#stocktake-lines .stocktake-line")
    short = None
    for n in range(lines.count()):
        cells = lines.nth(n).locator("td")
        ledger = int(cells.nth(2).inner_text().strip())
        counted = ledger
        if short is None and ledger >= 1:
            counted = ledger - 1
            short = (cells.nth(0).inner_text().strip(), cells.nth(1).inner_text(), counted)
        lines.nth(n).locator('input[name^="count-"]').fill(str(counted))
    assert short is not None
    slot, item, counted = short
    return slot, item.splitlines()[0].strip(), counted


def test_a_count_with_one_slot_short_applies_and_the_stock_shows_it(
    browser, running_app: RunningApp
) -> None:
    context, page = sign_in(browser, running_app, "xy_admin")
    page.goto(running_app.url + "/stocktakes")
    page.wait_for_url(at_path(running_app, "/stocktakes"))
    page.wait_for_selector('#stocktakes[data-loaded="true"]', timeout=60_000)
    # the demo's finished stocktake is listed
    assert page.locator('#stocktake-table .stocktake-row[data-status="applied"]').count() >= 1

    _pick_cabinet(page)
    page.click("#stocktake-new")
    page.wait_for_selector('#stocktake-detail[data-status="counting"]', timeout=30_000)
    assert page.locator("#stocktake-lines .stocktake-line").count() >= 10
    slot, item, counted = _count_all_but_one_short(page)
    page.fill("#stocktake-note", "browser test")
    screenshot(page, "stocktake-sheet-1440")
    page.click("#stocktake-submit")

    page.wait_for_selector('#stocktake-detail[data-status="applied"]', timeout=30_000)
    differing = page.locator('#stocktake-lines .stocktake-line[data-differs="true"]')
    assert differing.count() == 1
    assert differing.first.get_attribute("data-slot") == slot
    assert "-1" in differing.first.inner_text()
    totals = page.inner_text("#stocktake-totals")
    assert "盘亏数量" in totals and "差异总金额" in totals
    screenshot(page, "stocktake-report-1440")

    page.goto(running_app.url + "/stock")
    page.wait_for_selector('#stock[data-loaded="true"]', timeout=60_000)
    page.fill('input[name="search"]', item)
    page.click("#stock-apply")
    row = page.locator("#stock-table .stock-row", has_text=slot).filter(has_text=CABINET)
    row.first.wait_for(timeout=30_000)
    assert row.first.locator("td").nth(3).inner_text().strip() == str(counted)
    context.close()

    with _database(running_app) as session:
        cabinet = session.exec(select(Cabinet).where(Cabinet.code == CABINET)).one()
        take = session.exec(
            select(Stocktake)
            .where(Stocktake.cabinet_id == cabinet.id)
            .order_by(Stocktake.id.desc())
        ).first()
        assert take.status == "applied"
        moved = session.exec(
            select(StockMovement.quantity_delta).where(
                StockMovement.reason == f"盘点 stocktake #{take.id}: browser test"
            )
        ).all()
        assert moved == [-1]
        scope = TenantScope.single(cabinet.tenant_id)
        assert reconcile_ledger(session=session, scope=scope) == []


def _set_threshold(app: RunningApp, cents: int | None) -> None:
    """The demo tenant's approval threshold (None: back to the default)."""
    with _database(app) as session:
        tenant = session.exec(select(Tenant).where(Tenant.code == "TN-XY")).one()
        settings = {k: v for k, v in (tenant.settings or {}).items() if k != APPROVAL.key}
        tenant.settings = settings | ({} if cents is None else {APPROVAL.key: cents})
        session.add(tenant)
        session.commit()


def test_above_the_threshold_the_counter_waits_and_another_admin_approves(
    browser, running_app: RunningApp
) -> None:
    _set_threshold(running_app, 0)  # any difference waits
    try:
        context, page = sign_in(browser, running_app, "xy_admin")
        page.goto(running_app.url + "/stocktakes")
        page.wait_for_selector('#stocktakes[data-loaded="true"]', timeout=60_000)
        value = page.locator("#stocktake-cabinet option", has_text="CAB-XY-002")
        page.select_option("#stocktake-cabinet", value.get_attribute("value"))
        page.click("#stocktake-new")
        page.wait_for_selector('#stocktake-detail[data-status="counting"]', timeout=30_000)
        slot, _, _ = _count_all_but_one_short(page)
        page.click("#stocktake-submit")
        page.wait_for_selector('#stocktake-detail[data-status="waiting"]', timeout=30_000)
        assert page.locator("#stocktake-approve").count() == 0  # not for the counter
        screenshot(page, "stocktake-waiting-1440")
        context.close()

        context, page = sign_in(browser, running_app, "hx_admin")
        page.goto(running_app.url + "/stocktakes")
        page.wait_for_selector('#stocktakes[data-loaded="true"]', timeout=60_000)
        waiting = page.locator('#stocktake-table .stocktake-row[data-status="waiting"]')
        waiting.filter(has_text="CAB-XY-002").locator(".stocktake-view").click()
        page.wait_for_selector('#stocktake-detail[data-status="waiting"]', timeout=30_000)
        page.click("#stocktake-approve")
        page.wait_for_selector('#stocktake-detail[data-status="applied"]', timeout=30_000)
        differing = page.locator('#stocktake-lines .stocktake-line[data-differs="true"]')
        assert differing.first.get_attribute("data-slot") == slot
        context.close()
    finally:
        _set_threshold(running_app, None)


def test_provider_staff_count_a_cabinet_on_their_phone(browser, running_app: RunningApp) -> None:
    """The same sheet on a 390 px phone (the console's tables become labelled cards): a
    restocker counts another tenant's cabinet they serve, every slot as found."""
    context, page = sign_in(browser, running_app, "hx_staff", width=390, height=844, landed=None)
    page.goto(running_app.url + "/stocktakes")
    page.wait_for_selector('#stocktakes[data-loaded="true"]', timeout=60_000)
    value = page.locator("#stocktake-cabinet option", has_text="CAB-HT-002").get_attribute("value")
    page.select_option("#stocktake-cabinet", value)
    page.click("#stocktake-new")
    page.wait_for_selector('#stocktake-detail[data-status="counting"]', timeout=30_000)
    lines = page.locator("#stocktake-lines .stocktake-line")
    for n in range(lines.count()):
        ledger = lines.nth(n).locator("td").nth(2).inner_text().split("\n")[-1].strip()
        field = lines.nth(n).locator('input[name^="count-"]')
        field.scroll_into_view_if_needed()
        field.fill(ledger)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "stocktake-sheet-390")
    page.click("#stocktake-submit")
    page.wait_for_selector('#stocktake-detail[data-status="applied"]', timeout=30_000)
    assert page.locator('#stocktake-lines .stocktake-line[data-differs="true"]').count() == 0
    with _database(running_app) as session:
        tenant = session.exec(select(Tenant).where(Tenant.code == "TN-HT")).one()
        assert reconcile_ledger(session=session, scope=TenantScope.single(tenant.id)) == []
    context.close()
