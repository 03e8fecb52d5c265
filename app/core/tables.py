"""Uploaded tables (CSV or XLSX) read as a stream, in bounded memory, for the batch imports.

The upload is read from its file object (Reflex hands over Starlette's spooled temp file), never
as one bytes object: the byte cap is checked before reading, CSV is decoded line by line and
XLSX walked with openpyxl read-only after app/core/xlsx_guard.py looked it over, and the row cap
refuses the file at the first row past it. What is kept is the rows themselves, as text.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from openpyxl import load_workbook

from app.core.cells import uninert
from app.core.errors import DomainError
from app.core.i18n import LOCALES, t
from app.core.xlsx_guard import check_workbook

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_LINES = 100_000  # rows read, blank or not: blank ones do not count against MAX_ROWS
MAX_LINE_BYTES = 64 * 1024  # one physical CSV line
MAX_COLUMNS = 64  # columns read from an XLSX (its declared width may be 16,384)
SPOOL = 1024 * 1024

Rows = list[tuple[int, dict[str, str]]]  # (spreadsheet row number, {column key: text})


@dataclass(frozen=True)
class Column:
    key: str  # headers are its names in field.<key> of the translation table, in any locale
    required: bool = False

    def header(self, locale: str) -> str:
        return t(f"field.{self.key}", locale)


def read_table(
    filename: str,
    source: bytes | BinaryIO,
    columns: tuple[Column, ...],
    *,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
) -> Rows:
    """The data rows of an uploaded CSV/XLSX (a file object, or bytes in tests)."""
    lower = filename.lower()
    if not lower.endswith((".xlsx", ".csv")):
        raise DomainError("import.bad_type")
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    stream = _seekable_within(source, max_bytes)
    raw_rows: Generator[Sequence[Any]]
    if lower.endswith(".xlsx"):
        check_workbook(stream, max_rows=max_rows)
        stream.seek(0)
        raw_rows = _xlsx_rows(stream)
    else:
        raw_rows = _csv_rows(stream)
    try:
        return _collect(raw_rows, columns, max_rows)
    finally:
        raw_rows.close()


def _seekable_within(stream: BinaryIO, max_bytes: int) -> IO[bytes]:
    """The upload from its start, refused past max_bytes without reading it (a copy on disk
    only for a stream that cannot seek)."""
    too_big = DomainError("import.too_big", max_mb=max_bytes // (1024 * 1024))
    if stream.seekable():
        if stream.seek(0, io.SEEK_END) > max_bytes:
            raise too_big
        stream.seek(0)
        return stream
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (returned, read later)
    shutil.copyfileobj(io.BufferedReader(_Capped(stream, max_bytes, too_big)), copy)
    copy.seek(0)
    return copy


class _Capped(io.RawIOBase):
    def __init__(self, stream: BinaryIO, limit: int, error: DomainError) -> None:
        self.stream, self.left, self.error = stream, limit, error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise self.error
        buffer[: len(data)] = data
        return len(data)


def _collect(raw_rows: Iterator[Any], columns: tuple[Column, ...], max_rows: int) -> Rows:
    header = next(raw_rows, None)
    if header is None:
        raise DomainError("import.empty")
    keys = _header_keys([_cell_text(c) for c in header], columns)
    missing = [c.key for c in columns if c.required and c.key not in keys]
    if missing:
        raise DomainError("import.missing_column", field=missing[0])
    rows: Rows = []
    for number, raw in enumerate(raw_rows, start=2):
        if number > MAX_LINES:
            raise DomainError("import.too_many_rows", max=max_rows)
        cells = [_cell_text(c) for c in raw]
        if not any(cells):
            continue
        if len(rows) == max_rows:
            raise DomainError("import.too_many_rows", max=max_rows)
        rows.append((number, {k: cells[i] for i, k in enumerate(keys) if k and i < len(cells)}))
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return uninert(str(value).strip())


def _header_keys(header: list[str], columns: tuple[Column, ...]) -> list[str | None]:
    names = {}
    for column in columns:
        for alias in (column.key, *(column.header(locale) for locale in LOCALES)):
            names[alias.strip().lower()] = column.key
    return [names.get(h.strip().lower()) for h in header]


def _xlsx_rows(stream: IO[bytes]) -> Generator[tuple[Any, ...]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise DomainError("import.unreadable") from exc
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise DomainError("import.unreadable") from exc
            yield row
    finally:
        book.close()


def _csv_rows(stream: IO[bytes]) -> Generator[list[str]]:
    reader = csv.reader(_lines(stream))
    try:
        yield from reader
    except csv.Error as exc:
        raise DomainError("import.unreadable_row", row=reader.line_num) from exc


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """The CSV's lines as text. UTF-8 (with or without a BOM) or, as Excel in China saves it,
    GB18030; the first line that is not plain ASCII decides (the lines before read the same in
    both), so the file is decoded as it streams."""
    encoding = ""
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise DomainError("import.line_too_long", row=number, max_kb=MAX_LINE_BYTES // 1024)
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, encoding = raw[len(codecs.BOM_UTF8) :], "utf-8"
        if raw.isascii():
            yield raw.decode("ascii")
            continue
        encoding = encoding or _encoding_of(raw)
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DomainError("import.unreadable_row", row=number) from exc


def _encoding_of(line: bytes) -> str:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"
