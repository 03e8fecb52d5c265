"""Exports hold the page's numbers: the XLSX opens with openpyxl, typed (numbers are numbers,
days are dates, cost in yuan with two decimals), a styled frozen header, widths that fit the
Chinese; the CSV is UTF-8 with a BOM; every person is listed, not only the page's top ones."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.config import REPO_ROOT
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.reports.services import exports, pdf
from app.reports.services.periods import period_of
from app.reports.services.reports import consumption_report
from tests.reports.world import build
from tests.services import require

NOVEMBER = period_of("month", date(2026, 11, 1))
ARTIFACTS = REPO_ROOT / "test-artifacts"


def _file(session: Session, tenant_id: int, fmt: str, locale: str = "zh-CN") -> bytes:
    return exports.consumption_file(
        session=session, scope=TenantScope.single(tenant_id), period=NOVEMBER,
        filters=None, fmt=fmt, locale=locale,
    )  # fmt: skip


def test_the_xlsx_matches_the_report(session: Session) -> None:
    world = build(session)
    report = consumption_report(
        session=session, scope=TenantScope.single(world.tenant_id), period=NOVEMBER
    )
    book = load_workbook(io.BytesIO(_file(session, world.tenant_id, "xlsx")))
    assert book.sheetnames == [
        "合计",
        "按日",
        "按部门",
        "按部门（含下级）",
        "按人员",
        "按物品",
        "按类型",
        "按标签",
        "按智能柜",
        "库存周转",
        "工单时效",
        "异常与更正",
        "额度使用",
        "柜机使用与在线",
    ]
    stock = book["库存周转"]
    assert [c.value for c in stock[1]][:3] == ["物品", "编号", "期初"]
    assert stock.max_row == 1 + len(world.items)  # every item: stocked, and moved in November
    totals = book["合计"]
    assert [c.value for c in totals[1]] == ["期间", "领用次数", "领用人数", "数量", "金额（元）"]
    assert [c.value for c in totals[2]] == [
        "2026-11", report.totals.withdrawals, report.totals.people, report.totals.quantity,
        report.totals.cost_cents / 100,
    ]  # fmt: skip
    people = book["按人员"]
    assert people.freeze_panes == "A2"
    assert people["A1"].font.bold and people["A1"].fill.fgColor.rgb.endswith("0D9488")
    rows = [[c.value for c in row] for row in people.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (r.label, r.figures.count, r.figures.quantity, r.figures.cost_cents / 100)
        for r in report.sections["person"]
    ]
    assert all(isinstance(r[4], float) for r in rows) and people["E2"].number_format == "#,##0.00"
    days = book["按日"]
    assert isinstance(days["A2"].value, datetime) and days["A2"].value.date() == date(2026, 11, 1)
    assert days.max_row == 1 + 30
    assert book["按部门"].column_dimensions["A"].width >= 8


def test_the_csv_is_utf8_with_a_bom_and_in_english_too(session: Session) -> None:
    world = build(session)
    data = _file(session, world.tenant_id, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["合计"] and rows[1][0] == "期间"
    assert ["按部门"] in rows and any(r and r[0] == "研发部" for r in rows)
    english = list(
        csv.reader(io.StringIO(_file(session, world.tenant_id, "csv", "en").decode("utf-8-sig")))
    )
    assert english[0] == ["Totals"] and ["By department"] in english
    assert exports.file_name(NOVEMBER, "csv") == "consumption-2026-11.csv"


def test_the_pdf_renders_its_chinese(session: Session, tmp_path) -> None:
    """pdftoppm draws the first page; the title's strokes land where the title is. The PNG is kept
    in test-artifacts to be looked at."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    fonts = [os.environ.get("REPORT_FONT", ""), *pdf.FONT_FILES]
    require(any(f and Path(f).is_file() for f in fonts), "a CJK font (fonts-noto-cjk)")
    world = build(session)
    data = _file(session, world.tenant_id, "pdf")
    assert data.startswith(b"%PDF") and b"NotoSansCJK" in data.replace(b"-", b"")
    source = tmp_path / "report.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / "report-consumption-pdf.png")
    text = subprocess.run(
        ["pdftotext", "-l", "1", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "消耗报表" in text and "按部门" in text and "研发部" in text


def test_one_tab_as_excel_holds_its_rows_then_the_totals(session: Session) -> None:
    """The page's one-click Excel: departments with their sub-departments, parents first when
    they took more, the own part beside; then the period's totals."""
    world = build(session)
    scope = TenantScope.single(world.tenant_id)
    name, data = exports.tab_file(
        session=session, scope=scope, period=NOVEMBER, filters=None, tab="department_rolled",
        locale="zh-CN",
    )  # fmt: skip
    assert name == "consumption-department_rolled-2026-11.xlsx"
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["按部门（含下级）", "合计"]
    sheet = book["按部门（含下级）"]
    assert [c.value for c in sheet[1]] == [
        "部门", "上级部门", "领用次数", "数量", "金额（元）", "本部门金额（元）"
    ]  # fmt: skip
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    research, front = rows["研发部"], rows["前端组"]
    assert research[4] == research[5] + front[5]  # its own and its group's
    assert front[1] == "研发部" and sheet["F2"].number_format == "#,##0.00"
    report = consumption_report(session=session, scope=scope, period=NOVEMBER)
    assert book["合计"]["B2"].value == report.totals.withdrawals
    _, stock = exports.tab_file(
        session=session, scope=scope, period=NOVEMBER, filters=None, tab="stock", locale="en"
    )
    assert load_workbook(io.BytesIO(stock)).sheetnames == ["Stock", "Totals"]


def test_a_tab_the_page_has_not_is_refused(session: Session) -> None:
    world = build(session, count=5)
    for tab in ("day", "totals", "drill", "consumption"):
        with pytest.raises(ValidationError):
            exports.tab_file(
                session=session, scope=TenantScope.single(world.tenant_id), period=NOVEMBER,
                filters=None, tab=tab, locale="zh-CN",
            )  # fmt: skip


def test_quota_periods_are_words_in_the_readers_language() -> None:
    """Enum-like values in an export follow the requester's language, like its headers."""
    from app.reports.queries.quotas import QuotaReport, QuotaRow

    found = QuotaReport(
        rules=[QuotaRow(1, "笔类每月", "month", "count", 10, 3, 1, 12, 0.4)],
        approvals_asked=0,
        approvals_granted=0,
    )
    for locale, words in (("en", "Per month"), ("zh-CN", "每月")):
        _, headers, rows = exports._quota_table(found, locale)
        assert rows[0][1] == words and headers[1] == exports.t("reports.quota.period", locale)
