"""Uploads for the import tests, written straight to disk: big CSVs, and XLSX workbooks crafted
part by part (as Excel writes them, with shared strings, or as an attacker would)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{MAIN}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{MAIN}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{MAIN}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def crafted_xlsx(
    target: Path | BinaryIO, strings: Iterable[str], rows: Iterable[str], prolog: str = ""
) -> None:
    """A workbook of one sheet: `strings` are its shared strings, `rows` its <row> elements
    as XML text, `prolog` goes before the sheet's root element (a DTD, say)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f"<sst {NS}>".encode())
            for text in strings:
                part.write(f"<si><t>{text}</t></si>".encode())
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f"{prolog}<worksheet {NS}><sheetData>".encode())
            for row in rows:
                part.write(row.encode())
            part.write(b"</sheetData></worksheet>")


def shared_string_rows(count: int, first: int = 1) -> Iterable[str]:
    """Rows whose one cell is shared string 0 (as Excel writes a repeated value)."""
    return (f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(first, count + 1))


def people_csv(
    path: Path, *, size: int = 0, rows: int = 0, encoding: str = "utf-8-sig", pad: int = 0
) -> int:
    """A people CSV of `rows` data rows or else of at least `size` bytes (`pad` widens each
    e-mail); its data row count."""
    with path.open("wb") as out:
        out.write("工号,姓名,手机号,邮箱,部门,工卡号\n".encode(encoding))
        count = 0
        while (count < rows) if rows else (out.tell() < size):
            out.write(
                f"E{count:06d},员工{count},139{count:08d},e{count}{'x' * pad}@example.com,"
                f"研发中心/测试组,C{count:07d}\n".encode(encoding.removesuffix("-sig"))
            )
            count += 1
    return count
