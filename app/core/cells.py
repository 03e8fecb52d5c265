"""Cells of every file the product writes (CSV, XLSX, PDF) as inert text: a person's name or an
item's name that starts like a formula (`=HYPERLINK(...)`, `+86…`, `-1+1`, `@SUM`) must never
run when someone opens the export in a spreadsheet (OWASP "CSV injection").

Text starting with = + - @ tab or CR gets a leading single quote; numbers, dates and other
values pass unchanged, so a correction of -2 stays a number. XLSX cells holding text are forced
to string cells, because openpyxl stores any str starting with "=" as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def inert(value: Any) -> Any:
    """The value as a spreadsheet must show it: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def inert_row(row: Iterable[Any]) -> list[Any]:
    return [inert(value) for value in row]


def append_row(sheet: Worksheet, row: Iterable[Any]) -> None:
    """Append a row of values to an XLSX sheet with every text cell stored as a string cell."""
    cells = []
    for value in inert_row(row):
        cell = Cell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # "#N/A" would be an error cell, "=…" a formula
        cells.append(cell)
    sheet.append(cells)


def uninert(text: str) -> str:
    """What an export quoted, as it was (so an exported file imports back unchanged)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
