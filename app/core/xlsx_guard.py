"""An uploaded XLSX looked over before openpyxl opens it, so a crafted workbook cannot make the
server hold more than a few tens of MB (app/core/tables.py streams the rows afterwards).

An XLSX is a zip of XML parts. openpyxl, even read-only, loads the shared strings and the styles
whole, and walks every sheet that has no <dimension> leaving a node per row behind; expat holds a
whole tag in memory. So: the unpacked sizes are capped by part, and every XML part is streamed
once through expat counting rows, cells, text and tag sizes (Excel's own limits where it has
them), refusing a DTD (entity expansion) outright. Only counters are kept, never the text.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from app.core.errors import DomainError

MAX_PARTS = 500
MAX_UNPACKED = 200 * 1024 * 1024  # all parts together, as the zip directory declares them
MAX_SHARED_STRINGS_PART = 16 * 1024 * 1024
MAX_OTHER_PARTS = 8 * 1024 * 1024  # styles, workbook, theme, rels… (XML but not the sheets)
MAX_SHEET_ROWS = 100_000  # <row> elements in the whole workbook, blank or not
MAX_SHARED_STRINGS = 200_000
MAX_ROW_CELLS = 16_384  # Excel's column limit
MAX_TEXT = 32_767  # Excel's limit on a cell's text
MAX_TAG = 1024 * 1024  # bytes expat may hold while waiting for a tag to end
CHUNK = 64 * 1024


class WorkbookTooComplex(DomainError):
    key = "import.workbook_too_complex"


@dataclass
class _Counts:
    rows: int = 0
    shared: int = 0


def check_workbook(stream: IO[bytes], *, max_rows: int) -> None:
    """Refuse (DomainError) a workbook whose parts would not fit in bounded memory."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError("import.unreadable") from exc
    with archive:
        parts = [p for p in archive.infolist() if not p.is_dir()]
        _check_sizes(parts)
        counts = _Counts()
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                _scan(archive, part, counts, max_rows)


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    other = sum(
        p.file_size
        for p in parts
        if p.filename.endswith((".xml", ".rels"))
        and not p.filename.startswith("xl/worksheets/")
        and p.filename != "xl/sharedStrings.xml"
    )
    shared = sum(p.file_size for p in parts if p.filename == "xl/sharedStrings.xml")
    if (
        len(parts) > MAX_PARTS
        or sum(p.file_size for p in parts) > MAX_UNPACKED
        or shared > MAX_SHARED_STRINGS_PART
        or other > MAX_OTHER_PARTS
    ):
        raise WorkbookTooComplex()


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, counts: _Counts, max_rows: int) -> None:
    """Stream one XML part through expat, keeping counters only."""
    state = {"cells": 0, "text": 0, "seen": 0}
    fed = 0
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(name: str, _attributes: dict[str, Any]) -> None:
        state["seen"], state["text"] = fed, 0
        local = name.rpartition(":")[2]
        if local == "row":
            counts.rows += 1
            state["cells"] = 0
            if counts.rows > MAX_SHEET_ROWS:
                raise DomainError("import.too_many_rows", max=max_rows)
        elif local == "c":
            state["cells"] += 1
            if state["cells"] > MAX_ROW_CELLS:
                raise WorkbookTooComplex()
        elif local == "si":
            counts.shared += 1
            if counts.shared > MAX_SHARED_STRINGS:
                raise WorkbookTooComplex()

    def end(_name: str) -> None:
        state["seen"], state["text"] = fed, 0

    def text(data: str) -> None:
        state["seen"] = fed
        state["text"] += len(data)
        if state["text"] > MAX_TEXT:
            raise WorkbookTooComplex()

    def no_dtd(*_args: object) -> None:
        raise WorkbookTooComplex()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        with archive.open(part) as source:
            while chunk := source.read(CHUNK):
                fed += len(chunk)
                parser.Parse(chunk, False)
                if fed - state["seen"] > MAX_TAG:
                    raise WorkbookTooComplex()
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError,
            NotImplementedError) as exc:  # fmt: skip
        raise DomainError("import.unreadable") from exc
