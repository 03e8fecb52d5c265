"""A report as a PDF: the same tables as the XLSX, set in Noto Sans CJK SC (embedded, subset)
so Chinese renders on any reader. The font comes from the system (Debian's fonts-noto-cjk, in
the Dockerfile and in .ci/run) or REPORT_FONT; nothing is fetched at run time."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.fonts import FontFace

from app.core.cells import inert
from app.core.errors import DomainError

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
FAMILY = "NotoSansSC"
TEAL = (13, 148, 136)


@lru_cache(maxsize=1)
def font() -> tuple[str, int]:
    """(file, index in the collection) of a Simplified Chinese Noto Sans."""
    candidates = [os.environ.get("REPORT_FONT", ""), *FONT_FILES]
    path = next((p for p in candidates if p and Path(p).is_file()), None)
    if path is None:
        raise DomainError("report.no_cjk_font")
    if not path.endswith(".ttc"):
        return path, 0
    names = [f["name"].getDebugName(1) for f in TTCollection(path, lazy=True).fonts]
    return path, next((i for i, n in enumerate(names) if n.endswith("CJK SC")), 0)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(inert(value))  # the same text as the CSV/XLSX, should it be copied into a sheet


def render(
    title: str, subtitle: str, tables: list[tuple[str, list[str], list[list[object]]]]
) -> bytes:
    path, index = font()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_font(FAMILY, "", path, collection_font_number=index)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(FAMILY, size=16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    pdf.set_text_color(100, 116, 139)
    pdf.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    heading = FontFace(color=(255, 255, 255), fill_color=TEAL)
    for name, header, rows in tables:
        pdf.ln(4)
        pdf.set_font(FAMILY, size=12)
        pdf.cell(0, 8, name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=9)
        numeric = [isinstance(v, int | float) for v in (rows[0] if rows else header)]
        with pdf.table(
            headings_style=heading,
            line_height=6,
            text_align=tuple("RIGHT" if n else "LEFT" for n in numeric),
            repeat_headings=1,
        ) as table:
            table.row([_cell(v) for v in header])
            for row in rows:
                table.row([_cell(v) for v in row])
    return bytes(pdf.output())
