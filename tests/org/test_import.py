"""Batch import of people: CSV and XLSX, per-row errors, all or nothing, export round trip."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.org.models import User
from app.org.services import importer
from app.org.services.departments import create_department
from tests.factories import make_tenant

ADMIN = Actor(account_id=None, name="admin")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def tenant(session: Session):
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    rd = create_department(
        session=session, scope=scope, tenant_id=tenant.id, name="研发中心", actor=ADMIN
    )
    create_department(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        name="测试组",
        parent_id=rd.id,
        actor=ADMIN,
    )
    return tenant


def _commit(session: Session, tenant, filename: str, data: bytes, progress=None):
    rows = importer.read_table(filename, data)
    return importer.commit_import(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        rows=rows,
        actor=ADMIN,
        progress=progress,
    )


def test_an_xlsx_with_bad_rows_imports_nothing_and_names_each_problem(
    session: Session, tenant
) -> None:
    data = _xlsx(
        [
            ["工号", "姓名", "手机号", "邮箱", "部门", "工卡号"],
            ["E001", "王芳", 13900001111, "wf@example.com", "研发中心/测试组", "CARD0001"],
            ["E002", "", "13900002222", "", "", ""],  # row 3: no name
            ["E003", "李雷", "1234", "", "", ""],  # row 4: bad phone
            ["E004", "韩梅梅", "13900001111", "", "市场部", ""],  # row 5: dup phone, unknown dept
            [None, None, None, None, None, None],  # blank rows are skipped
            ["E001", "张三", "", "bad-mail", "", ""],  # row 7: dup employee no, bad mail
        ]
    )
    with pytest.raises(importer.ImportRejected) as rejected:
        _commit(session, tenant, "people.xlsx", data)
    got = {(e.row, e.column, e.key) for e in rejected.value.plan.errors}
    assert got == {
        (3, "name", "org.required"),
        (4, "phone", "org.bad_phone"),
        (5, "phone", "import.duplicate_in_file"),
        (5, "department", "import.unknown_department"),
        (7, "employee_no", "import.duplicate_in_file"),
        (7, "email", "org.bad_email"),
    }
    assert session.exec(select(User)).all() == []
    dup = next(e for e in rejected.value.plan.errors if e.row == 5 and e.column == "phone")
    assert t(dup.key, "zh-CN", **dup.params) == "与第 2 行重复"
    assert t(dup.key, "en", **dup.params) == "Same as row 2"


def test_a_gbk_csv_with_english_headers_imports_and_updates_by_employee_no(
    session: Session, tenant
) -> None:
    csv_text = (
        "Employee no.,Name,Phone,Email,Department,Badge card no.\n"
        "E001,王芳,13900001111,,研发中心,\n"
        "E002,李雷,,,研发中心/测试组,AB12CD34\n"
    )
    plan = _commit(session, tenant, "people.csv", csv_text.encode("gb18030"))
    assert (len(plan.creates), len(plan.updates)) == (2, 0)
    again = "工号,姓名,手机号\nE001,王芳芳,13900001112\n"
    plan = _commit(session, tenant, "people.csv", again.encode("utf-8-sig"))
    assert (len(plan.creates), len(plan.updates)) == (0, 1)
    wang = session.exec(select(User).where(User.employee_no == "E001")).one()
    assert (wang.name, wang.phone) == ("王芳芳", "13900001112")
    actions = [
        a.action for a in session.exec(select(AuditLog).where(AuditLog.entity == "app_user"))
    ]
    assert actions.count("app_user.create") == 2 and actions.count("app_user.update") == 1


def test_progress_is_reported_and_export_round_trips(session: Session, tenant) -> None:
    rows = [["工号", "姓名", "手机号"]] + [
        [f"E{n:05d}", f"员工{n}", f"139{n:08d}"] for n in range(1200)
    ]
    seen: list[tuple[str, int, int]] = []
    plan = _commit(session, tenant, "big.xlsx", _xlsx(rows), progress=lambda *p: seen.append(p))
    assert len(plan.creates) == 1200
    assert seen[-1] == ("write", 1200, 1200) and ("check", 250, 1200) in seen
    scope = TenantScope.single(tenant.id)
    exported = importer.to_xlsx(
        importer.export_table(session=session, scope=scope, tenant_id=tenant.id), "zh-CN"
    )
    sheet = load_workbook(io.BytesIO(exported)).active
    assert [c.value for c in sheet[1]] == ["工号", "姓名", "手机号", "邮箱", "部门", "工卡号"]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 1201
    again = importer.read_table("export.xlsx", exported)
    plan = importer.plan_import(session=session, scope=scope, tenant_id=tenant.id, rows=again)
    assert not plan.errors and len(plan.updates) == 1200  # an export re-imports as updates


def test_files_that_are_not_tables_are_refused_with_a_reason(session: Session, tenant) -> None:
    for name, data, key in (
        ("a.txt", b"x", "import.bad_type"),
        ("a.xlsx", b"not a zip", "import.unreadable"),
        ("a.csv", b"", "import.empty"),
        ("a.csv", "工号,手机号\n1,2\n".encode(), "import.missing_column"),
    ):
        with pytest.raises(DomainError) as refused:
            importer.read_table(name, data)
        assert refused.value.key == key
    template = importer.read_table("t.xlsx", importer.template_xlsx("en"))
    assert template[0][1]["name"] == "张三"
