"""Uploaded tables are read as a stream: the byte cap before reading, the row cap at the first row
past it, CSV decoded line by line (BOM, UTF-8 or GB18030), crafted XLSX refused unopened."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.core import tables
from app.core.errors import DomainError
from app.core.tables import Column
from tests.upload_files import crafted_xlsx, people_csv, shared_string_rows

COLUMNS = (Column("name", required=True), Column("phone"), Column("employee_no"))


class Counting(io.RawIOBase):
    """A seekable upload that counts the bytes handed out."""

    def __init__(self, data: bytes) -> None:
        self.inner, self.handed = io.BytesIO(data), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.handed += len(data)
        return len(data)


class OneWay(Counting):
    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        raise io.UnsupportedOperation("seek")


def _refusal(name: str, source, **limits) -> DomainError:
    with pytest.raises(DomainError) as refused:
        tables.read_table(name, source, COLUMNS, **limits)
    return refused.value


def test_a_file_past_the_byte_cap_is_refused_before_a_byte_is_read() -> None:
    upload = Counting(b"name\n" + b"a\n" * (10 * 1024 * 1024))
    refused = _refusal("people.csv", io.BufferedReader(upload))
    assert (refused.key, refused.params) == ("import.too_big", {"max_mb": 10})
    assert upload.handed == 0


def test_a_stream_that_cannot_seek_is_capped_while_it_is_copied() -> None:
    upload = OneWay(b"name\n" + b"a\n" * (6 * 1024 * 1024))
    assert _refusal("people.csv", io.BufferedReader(upload)).key == "import.too_big"
    assert upload.handed <= 10 * 1024 * 1024 + 64 * 1024
    small = OneWay("姓名,手机号\n王芳,13900001111\n".encode())
    assert tables.read_table("p.csv", io.BufferedReader(small), COLUMNS) == [
        (2, {"name": "王芳", "phone": "13900001111"})
    ]


def test_the_row_cap_refuses_a_csv_at_the_first_row_past_it(tmp_path: Path) -> None:
    count = people_csv(tmp_path / "many.csv", size=9_000_000, encoding="gb18030")
    assert count > 100_000
    upload = Counting((tmp_path / "many.csv").read_bytes())
    refused = _refusal("many.csv", io.BufferedReader(upload))
    assert (refused.key, refused.params) == ("import.too_many_rows", {"max": 20_000})
    assert upload.handed < len(upload.inner.getvalue()) // 4  # it stopped reading early


def test_the_callers_row_cap_counts_rows_with_data_only() -> None:
    data = "姓名\n" + "\n,\n".join(f"员工{n}" for n in range(6))  # blank rows between
    refused = _refusal("w.csv", data.encode(), max_rows=5)
    assert (refused.key, refused.params) == ("import.too_many_rows", {"max": 5})
    rows = tables.read_table("w.csv", data.encode(), COLUMNS, max_rows=6)
    assert [number for number, _ in rows] == [2, 4, 6, 8, 10, 12]


def test_gb18030_is_recognised_after_many_plain_ascii_lines() -> None:
    ascii_rows = "".join(f"N{n},1390000{n:04d},E{n}\n" for n in range(5000))  # > 64 KB
    data = ("Name,Phone,Employee no.\n" + ascii_rows + "王芳,13900001111,E9\n").encode("gb18030")
    rows = tables.read_table("p.csv", data, COLUMNS)
    assert len(rows) == 5001 and rows[-1] == (
        5002, {"name": "王芳", "phone": "13900001111", "employee_no": "E9"}
    )  # fmt: skip


def test_a_bom_and_a_quoted_line_break_read_as_before() -> None:
    data = '\ufeff姓名,手机号\n"王\n芳",13900001111\n李雷,13900002222\n'.encode()
    assert tables.read_table("p.csv", data, COLUMNS) == [
        (2, {"name": "王\n芳", "phone": "13900001111"}),
        (3, {"name": "李雷", "phone": "13900002222"}),
    ]


def test_unreadable_lines_are_named() -> None:
    mixed = "姓名\n王芳\n".encode() + "李雷\n".encode("gb18030")
    refused = _refusal("p.csv", mixed)
    assert (refused.key, refused.params) == ("import.unreadable_row", {"row": 3})
    long = b"name\n" + b"a" * (tables.MAX_LINE_BYTES + 10) + b"\n"
    refused = _refusal("p.csv", long)
    assert (refused.key, refused.params) == ("import.line_too_long", {"row": 2, "max_kb": 64})


def _xlsx(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "手机号"])
    for n in range(rows):
        sheet.append([f"员工{n}", 13900000000 + n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_is_streamed_up_to_the_row_cap() -> None:
    rows = tables.read_table("p.xlsx", io.BytesIO(_xlsx(20_000)), COLUMNS)
    assert len(rows) == 20_000 and rows[-1] == (20_001, {"name": "员工19999",
                                                        "phone": "13900019999"})  # fmt: skip
    refused = _refusal("p.xlsx", io.BytesIO(_xlsx(20_001)))
    assert (refused.key, refused.params) == ("import.too_many_rows", {"max": 20_000})


CRAFTED = [  # (what, shared strings, rows, prolog, refusal)
    ("shared strings", (f"s{n}" for n in range(250_000)), ['<row r="1"><c r="A1" t="s">'
     "<v>0</v></c></row>"], "", "import.workbook_too_complex"),
    ("rows without dimension", ["姓名"], shared_string_rows(150_000), "", "import.too_many_rows"),
    ("a million cells in a row", ["姓名"], ["<row>" + "<c/>" * 1_000_000 + "</row>"], "",
     "import.workbook_too_complex"),
    ("a 5 MB tag", ["姓名"], ['<row r="1" x="' + "a" * 5_000_000 + '"/>'], "",
     "import.workbook_too_complex"),
    ("a cell longer than Excel allows", ["姓名"], ['<row r="1"><c r="A1" t="inlineStr"><is>'
     "<t>" + "a" * 40_000 + "</t></is></c></row>"], "", "import.workbook_too_complex"),
    ("entity expansion", ["姓名"], [], '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
     '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "import.workbook_too_complex"),
    ("not a zip", None, None, "", "import.unreadable"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("strings", "rows", "prolog", "key"),
    [pytest.param(*case[1:], id=case[0]) for case in CRAFTED],
)
def test_crafted_workbooks_are_refused_before_openpyxl_reads_them(
    strings, rows, prolog: str, key: str
) -> None:
    upload = io.BytesIO()
    if strings is None:
        upload.write(b"PK\x03\x04 not really")
    else:
        crafted_xlsx(upload, strings, rows, prolog)
    assert _refusal("crafted.xlsx", upload).key == key


def test_an_excel_style_workbook_with_shared_strings_reads() -> None:
    upload = io.BytesIO()
    rows = [
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        '<row r="3"><c r="A3" t="s"><v>1</v></c></row>',
    ]  # a gap: row 2 is not in the file
    crafted_xlsx(upload, ["姓名", "王芳"], rows)
    assert tables.read_table("p.xlsx", upload, COLUMNS) == [(3, {"name": "王芳"})]
