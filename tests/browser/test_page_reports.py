"""The reports page as a tenant admin reads it: this month's totals, the daily chart and each
breakdown; a person's number followed to the withdrawals behind it (the same count); the
previous month; the Excel export with the page's totals; in English, and on a phone. The task a
new admin was given: which department, with its sub-departments, took most this month, as Excel
in at most four clicks; the page fits a 1366 px laptop; columns sort; provider staff, who may
not read reports, see that said, never "¥undefined"."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlmodel import Session, select

from app.core.db import make_engine
from app.core.model_base import as_utc
from app.reports.models import ReportSubscription
from app.reports.services import subscriptions as subs
from app.tenants.models import Tenant
from app.ui.format import local_time
from tests.browser.conftest import RunningApp, at_path, screenshot, sign_in
from tests.reports.receivers import webhook


def _open(browser, app: RunningApp, **kwargs):
    context, page = sign_in(browser, app, "xy_admin", **kwargs)
    page.goto(app.url + "/reports")
    page.wait_for_url(at_path(app, "/reports"))
    page.wait_for_selector('#reports[data-loaded="true"]', timeout=60_000)
    return context, page


def _export(page, button: str, suffix: str) -> bytes:
    """Ask for the whole report as a file (the "full report" menu): a job makes it while the
    page shows its progress, then the download."""
    before = (
        page.get_attribute("#rp-download", "data-run") if page.is_visible("#rp-download") else ""
    )
    page.click("#rp-export-all")
    page.click(button)
    page.wait_for_function(
        "([b]) => { const d = document.querySelector('#rp-download');"
        " return d && d.dataset.run !== b; }",
        arg=[before or ""],
        timeout=60_000,
    )
    with page.expect_download() as downloaded:
        page.click("#rp-download")
    assert downloaded.value.suggested_filename.endswith(suffix)
    return Path(downloaded.value.path()).read_bytes()


def test_totals_breakdowns_drill_down_and_export(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app, width=1920, height=1080)
    # The month of a week ago: the demo's 30 days give it at least a week of use, whatever
    # today is (this month alone has nothing yet on the 1st before office hours).
    month = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=7)).strftime("%Y-%m")
    page.select_option("#rp-kind", "month")
    page.fill("#rp-day", f"{month}-01")
    page.click("#rp-apply")
    page.wait_for_function(
        "([m]) => document.querySelector('#rp-label').innerText === m", arg=[month]
    )
    page.wait_for_selector('#reports[data-loaded="true"]', timeout=60_000)
    assert int(page.inner_text("#rp-withdrawals")) > 0
    page.wait_for_selector("#rp-daily .main-svg")
    assert page.locator("#rp-department .report-row").count() > 0
    screenshot(page, "reports-1920")

    page.get_by_role("tab", name="库存周转").click()
    stock = page.locator("#rp-stock .stock-row")
    stock.first.wait_for(timeout=10_000)
    assert stock.count() > 0 and "期初" in page.inner_text("#rp-stock")
    screenshot(page, "reports-stock-1920")
    page.get_by_role("tab", name="工单时效").click()
    page.locator("#rp-orders .order-row").first.wait_for(timeout=10_000)
    assert page.locator("#rp-orders .order-row").count() == 4
    page.get_by_role("tab", name="异常与更正").click()
    page.wait_for_function(
        "() => /^\\d+$/.test(document.querySelector('#rp-exceptions .exc-visits')?.innerText)"
    )
    assert int(page.inner_text("#rp-exceptions .exc-visits")) > 0
    page.get_by_role("tab", name="额度使用").click()
    page.wait_for_selector("#rp-quotas .quota-row")
    periods = page.locator("#rp-quotas .quota-row td:nth-child(2)").all_inner_texts()
    assert periods and all(p in ("每天", "每周", "每月") for p in periods), periods  # not "month"
    screenshot(page, "reports-quotas-1920")
    page.get_by_role("tab", name="柜机使用与在线").click()
    page.wait_for_selector("#rp-uptime .uptime-row")
    assert page.locator("#rp-uptime .uptime-row").count() == 3  # the demo tenant's cabinets

    page.get_by_role("tab", name="按人员").click()
    rows = page.locator("#rp-person .report-row")
    rows.first.wait_for()
    counts = [int(rows.nth(i).locator("td").nth(1).inner_text()) for i in range(rows.count())]
    small = next(i for i, n in sorted(enumerate(counts), key=lambda p: p[1]) if 0 < n <= 20)
    person = rows.nth(small).locator("a")
    name = person.inner_text()

    data = _export(page, "#rp-xlsx", ".xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book["合计"]["B2"].value == int(page.inner_text("#rp-withdrawals"))
    assert name in [c.value for c in book["按人员"]["A"]]
    assert _export(page, "#rp-pdf", ".pdf").startswith(b"%PDF")

    person.click()
    page.wait_for_url(at_path(running_app, "/withdrawals"))
    page.wait_for_selector('#withdrawals[data-loaded="true"]', timeout=30_000)
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#wd-table tbody tr').length === n",
        arg=[counts[small]],
    )
    listed = [r.inner_text() for r in page.locator("#wd-table tbody tr").all()]
    assert all(name in r for r in listed)
    assert page.is_visible("#wd-drilled")
    screenshot(page, "reports-drilled-withdrawals-1440")
    context.close()


def test_the_previous_month_in_english_and_on_a_phone(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app, width=390, height=844)
    label = page.inner_text("#rp-label")
    page.click("#rp-prev")
    page.wait_for_function(
        "([l]) => document.querySelector('#rp-label').innerText !== l", arg=[label]
    )
    screenshot(page, "reports-390")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.click("#lang-switch")
    page.wait_for_function(
        "() => document.querySelector('#reports').innerText.includes('Consumption report')"
    )
    screenshot(page, "reports-en-390")
    context.close()


def test_subscribe_and_see_a_failed_delivery(browser, running_app: RunningApp) -> None:
    """The admin subscribes the weekly report to a WeCom robot; when it comes due the robot
    refuses it, and the subscriber sees the refusal on the page."""
    context, page = _open(browser, running_app)
    page.click("#sub-new")
    page.select_option("#sub-kind", "week")
    page.select_option("#sub-channel", "wecom")
    page.fill("#sub-target", "not a url")
    page.click("#sub-save")
    page.wait_for_selector("#sub-error")
    assert "Webhook" in page.inner_text("#sub-error")
    with webhook() as robot:
        robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
        page.fill("#sub-target", robot.url)
        page.click("#sub-save")
        row = page.locator("#sub-table .sub-row").first
        row.wait_for(timeout=10_000)
        assert "尚未推送" in row.inner_text() and "企业微信" in row.inner_text()
        due, zone = _deliver_due(running_app)
        assert len(robot.requests) == 1
    page.reload()
    page.wait_for_selector('#reports[data-loaded="true"]', timeout=30_000)
    row = page.locator("#sub-table .sub-row").first
    # the state outlives the reload: the row shown first may be the one before, until the
    # subscriptions are read again
    page.wait_for_function(
        "() => document.querySelector('#sub-table .sub-row')?.innerText.includes('重试中')",
        timeout=10_000,
    )
    assert "重试中" in row.inner_text() and "93000" in row.inner_text()
    # Delivered (and refused) on the Monday it came due: the next run is the Monday after, 08:00
    # in the tenant's zone, whatever day the test runs on.
    first = as_utc(due).astimezone(ZoneInfo(zone))
    assert (first.weekday(), first.hour, first.minute) == (0, 8, 0)
    assert local_time(due + timedelta(days=7), zone, "%Y-%m-%d %H:%M") in row.inner_text()
    screenshot(page, "reports-subscription-failed-1440")
    context.close()


def _deliver_due(app: RunningApp) -> tuple[datetime, str]:
    """What the app's report_tick does when the subscription comes due, at that moment; the
    moment and the tenant's zone."""
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    try:
        with Session(engine) as session:
            subscription = session.exec(select(ReportSubscription)).all()[-1]
            due = subscription.next_run_at
            zone = session.get(Tenant, subscription.tenant_id).timezone
            subs.generate_due(session=session, now=as_utc(due))
            for delivery_id in subs.due_deliveries(session=session, now=as_utc(due)):
                subs.deliver(session=session, delivery_id=delivery_id, now=as_utc(due))
            session.commit()
    finally:
        engine.dispose()
    return due, zone


def test_a_provider_sees_each_tenant_it_serves(browser, running_app: RunningApp) -> None:
    """The provider admin of 星月 and 海天, with no tenant chosen: the report adds both up, a
    table gives each its share; an export first asks which tenant."""
    context, page = sign_in(browser, running_app, "hx_admin")
    page.goto(running_app.url + "/reports")
    page.wait_for_selector('#reports[data-loaded="true"]', timeout=60_000)
    rows = page.locator("#rp-tenant .report-row")
    rows.first.wait_for(timeout=10_000)
    names = sorted(r.inner_text().split("\n")[0] for r in rows.all())
    assert names == ["星月科技有限公司", "海天贸易集团"], names
    shares = [float(r.locator("td").nth(4).inner_text().rstrip("%")) for r in rows.all()]
    assert abs(sum(shares) - 100) < 0.2
    assert "绿木" not in page.inner_text("#reports")  # another provider's tenant
    first = page.locator("#rp-department .report-row").first.inner_text()
    assert "TN-XY" in first or "TN-HT" in first  # whose department, when several tenants
    page.click("#rp-export-all")
    page.click("#rp-xlsx")
    page.wait_for_selector("#rp-message")
    screenshot(page, "reports-provider-1440")
    context.close()


def _no_overflow(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def _nothing_broken(page) -> None:
    text = page.inner_text("body")
    for word in ("undefined", "NaN", "None", "[object Object]"):
        assert word not in text, word


def test_the_department_that_took_most_with_its_groups_as_excel_in_four_clicks(
    browser, running_app: RunningApp
) -> None:
    """The task a new tenant admin was given, from the home page: the reports (1), the
    department tab (2; with sub-departments is the default), Excel (3). On a month's first
    hours, before anyone took anything, the month before (4)."""
    context, page = sign_in(browser, running_app, "xy_admin")
    clicks = 0

    def click(target) -> None:
        nonlocal clicks
        clicks += 1
        (page.locator(target) if isinstance(target, str) else target).click()

    click(page.locator('a[href="/reports"]').first)
    page.wait_for_url(at_path(running_app, "/reports"))
    page.wait_for_selector('#reports[data-loaded="true"]', timeout=60_000)
    if page.inner_text("#rp-withdrawals") == "0":
        label = page.inner_text("#rp-label")
        click("#rp-prev")
        page.wait_for_function(
            "([l]) => document.querySelector('#rp-label').innerText !== l", arg=[label]
        )
    click(page.get_by_role("tab", name="按部门"))
    assert page.is_checked("#rp-rollup")  # with sub-departments, without a click
    rows = page.locator("#rp-department .report-row")
    rows.first.wait_for(timeout=10_000)
    top_on_page = rows.first.locator("td").first.inner_text().split("\n")[0]
    screenshot(page, "reports-department-rollup-1440")
    with page.expect_download() as downloaded:
        click("#rp-excel")
    assert clicks <= 4, clicks
    assert downloaded.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    assert book.sheetnames[0] == "按部门（含下级）"
    sheet = book["按部门（含下级）"]
    header = [c.value for c in sheet[1]]
    assert header == ["部门", "上级部门", "领用次数", "数量", "金额（元）", "本部门金额（元）"]
    rows_xlsx = list(sheet.iter_rows(min_row=2, values_only=True))
    top = rows_xlsx[0]
    assert top[0] == top_on_page
    # the top is a parent, and its total is its own part and every sub-department's
    under = [r for r in rows_xlsx if r[1] and r[1].split(" › ")[0] == top[0]]
    assert top[1] in ("", None) and under, top
    assert abs(top[4] - (top[5] + sum(r[5] for r in under))) < 0.005
    costs = [r[4] for r in rows_xlsx]
    assert costs == sorted(costs, reverse=True)
    assert top[4] >= max(r[4] for r in under)
    assert book["合计"]["B2"].value == int(page.inner_text("#rp-withdrawals"))
    context.close()


def test_the_page_fits_a_laptop_in_both_languages(browser, running_app: RunningApp) -> None:
    """1440×900 and 1366×768: nothing wider than the window, on the widest tabs too; tabs
    wrap, tiles wrap, tables scroll inside their box. Then zh-CN switched to English."""
    for width, height in ((1440, 900), (1366, 768)):
        context, page = _open(browser, running_app, width=width, height=height)
        page.wait_for_selector("#rp-department .report-row")
        for language in ("zh", "en"):
            if language == "en":
                page.click("#lang-switch")
                page.wait_for_function(
                    "() => document.querySelector('#reports').innerText"
                    ".includes('Consumption report')"
                )
            page.wait_for_selector("#rp-daily .main-svg")
            if language == "zh" and width == 1440:  # this month's chart stops at today
                days = page.evaluate("() => document.querySelector('#rp-daily').data[0].x")
                today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
                assert days[0].endswith("-01") and days[-1] in (
                    today.isoformat(),
                    (today - timedelta(days=1)).isoformat(),
                ), days  # (yesterday: the test ran across midnight)
            legend = page.text_content("#rp-daily .legend")
            assert ("Cost (yuan)" if language == "en" else "金额（元）") in legend, legend
            _no_overflow(page)
            _nothing_broken(page)
            assert page.is_visible("#rp-excel") and page.is_visible("#lang-switch")
            box = page.locator("#rp-excel").bounding_box()
            assert box["y"] + box["height"] <= height  # export above the fold
            screenshot(page, f"reports-{language}-{width}")
            for tab in ("stock", "uptime", "person"):
                page.click(f"#rp-tab-{tab}")
                page.wait_for_function(
                    "([t]) => document.querySelector('#rp-tab-' + t)"
                    ".getAttribute('aria-selected') === 'true'",
                    arg=[tab],
                )
                page.wait_for_timeout(300)
                _no_overflow(page)
            screenshot(page, f"reports-person-{language}-{width}")
            page.click("#rp-tab-department")
        context.close()


def test_a_column_sorts_both_ways(browser, running_app: RunningApp) -> None:
    context, page = _open(browser, running_app)
    rows = page.locator("#rp-department .report-row")
    rows.first.wait_for(timeout=10_000)

    def counts() -> list[int]:
        return [int(r.locator("td").nth(1).inner_text()) for r in rows.all()]

    page.click("#rp-department_rolled-sort-count")
    page.wait_for_selector('#rp-department th[aria-sort="descending"]')
    assert counts() == sorted(counts(), reverse=True) and len(counts()) > 3
    page.click("#rp-department_rolled-sort-count")
    page.wait_for_selector('#rp-department th[aria-sort="ascending"]')
    assert counts() == sorted(counts())
    screenshot(page, "reports-sorted-1440")
    context.close()


def test_provider_staff_see_no_figures_and_no_undefined(browser, running_app: RunningApp):
    """hx_staff may not read reports: the page says so, in words, with no tiles at all."""
    from app.demo.services.catalogue import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(running_app.url + "/login")
    page.fill("#login", "hx_staff")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)  # wherever staff land
    page.goto(running_app.url + "/reports")
    # the console's gate says the page is not theirs before the page's body is drawn
    page.wait_for_selector("#page-not-allowed", timeout=60_000)
    page.wait_for_timeout(1500)  # whatever the refused load would have put there
    assert "不能查看此页面" in page.inner_text("#page-not-allowed")
    _nothing_broken(page)
    assert "¥" not in page.inner_text("body") and not page.is_visible("#rp-cost")
    _no_overflow(page)
    screenshot(page, "reports-provider-staff-1440")
    context.close()
