"""The reports page as a tenant admin reads it: this month's totals, the daily chart and each
breakdown; a person's number followed to the withdrawals behind it (the same count); the
previous month; the Excel export with the page's totals; in English, and on a phone."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlmodel import Session, select

from app.core.db import make_engine
from app.core.model_base import as_utc
from app.reports import subscriptions as subs
from app.reports.models import ReportSubscription
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
    """Ask for a file: a job makes it while the page shows its progress, then the download."""
    before = (
        page.get_attribute("#rp-download", "data-run") if page.is_visible("#rp-download") else ""
    )
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

    page.get_by_role("radio", name="库存周转").click()
    stock = page.locator("#rp-stock .stock-row")
    stock.first.wait_for(timeout=10_000)
    assert stock.count() > 0 and "期初" in page.inner_text("#rp-stock")
    screenshot(page, "reports-stock-1920")
    page.get_by_role("radio", name="工单时效").click()
    page.locator("#rp-orders .order-row").first.wait_for(timeout=10_000)
    assert page.locator("#rp-orders .order-row").count() == 4
    page.get_by_role("radio", name="异常与更正").click()
    page.wait_for_function(
        "() => /^\\d+$/.test(document.querySelector('#rp-exceptions .exc-visits')?.innerText)"
    )
    assert int(page.inner_text("#rp-exceptions .exc-visits")) > 0
    page.get_by_role("radio", name="额度使用").click()
    page.wait_for_selector("#rp-quotas .quota-row")
    screenshot(page, "reports-quotas-1920")
    page.get_by_role("radio", name="柜机使用与在线").click()
    page.wait_for_selector("#rp-uptime .uptime-row")
    assert page.locator("#rp-uptime .uptime-row").count() == 3  # the demo tenant's cabinets

    page.get_by_role("radio", name="按人员").click()
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
    row.wait_for(timeout=10_000)
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
    page.click("#rp-xlsx")
    page.wait_for_selector("#rp-message")
    screenshot(page, "reports-provider-1440")
    context.close()
