"""The one rule every export uses: text that a spreadsheet would run is quoted; nothing else is."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from app.core.cells import append_row, inert, uninert


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-"])
def test_text_starting_a_formula_is_quoted_and_reads_back(text: str) -> None:
    assert inert(text) == "'" + text
    assert uninert(inert(text)) == text


@pytest.mark.parametrize("value", [-2, -1.5, 0, date(2026, 11, 1), None, "", "王芳", "a=b", "'x"])
def test_other_values_pass_unchanged(value: object) -> None:
    assert inert(value) == value
    if isinstance(value, str):
        assert uninert(value) == value


def test_an_xlsx_row_keeps_numbers_and_stores_text_as_strings() -> None:
    book = Workbook()
    append_row(book.active, ["=1+1", -2, "#N/A", 2.5])
    out = io.BytesIO()
    book.save(out)
    a, b, c, d = load_workbook(io.BytesIO(out.getvalue())).active[1]
    assert (a.data_type, a.value) == ("s", "'=1+1")
    assert (b.data_type, b.value) == ("n", -2)
    assert (c.data_type, c.value) == ("s", "#N/A")  # text, not Excel's error value
    assert (d.data_type, d.value) == ("n", 2.5)
