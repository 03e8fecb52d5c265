"""The people import holds bounded memory whatever is uploaded: each file is read in a fresh
process exactly as the import dialog reads it (app/org/state/people_import.py hands
`importer.read_table` the Starlette UploadFile's spooled file), and the process's peak RSS
(VmHWM) may grow by less than 100 MB. Big files are refused with a clear reason; a full
20,000 rows is not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.core.config import REPO_ROOT
from tests.upload_files import crafted_xlsx, people_csv, shared_string_rows

MAX_GROWTH_MB = 100
READ_AS_THE_DIALOG_DOES = r"""
import json, shutil, sys, tempfile
from starlette.datastructures import UploadFile
from app.core.errors import DomainError
from app.org.services import importer

def kib(field):  # this process's own figures: ru_maxrss would carry the parent's over the exec
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

path, name = sys.argv[1], sys.argv[2]
spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # as Starlette's multipart parser
with open(path, "rb") as source:
    shutil.copyfileobj(source, spool)
spool.seek(0)
upload = UploadFile(spool, filename=name)
before = kib("VmRSS")
try:
    outcome = f"rows:{len(importer.read_table(upload.filename, upload.file))}"
except DomainError as refused:
    outcome = refused.key
print(json.dumps({"outcome": outcome, "growth_mb": (kib("VmHWM") - before) / 1024}))
"""


def _read_in_a_fresh_process(path: Path) -> tuple[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", READ_AS_THE_DIALOG_DOES, str(path), path.name],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["outcome"], result["growth_mb"]


def _openpyxl_xlsx(path: Path, rows: int) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["工号", "姓名", "手机号"])
    for n in range(rows):
        sheet.append([f"E{n:06d}", f"员工{n}", f"139{n:08d}"])
    book.save(path)


def _make(kind: str, path: Path) -> None:
    if kind == "20MB.csv":
        people_csv(path, size=20 * 1024 * 1024)
    elif kind == "9MB-gb18030.csv":  # ~120,000 rows, under the byte cap
        people_csv(path, size=9 * 1024 * 1024, encoding="gb18030")
    elif kind == "20000-wide-rows.csv":  # the most the import takes: 20,000 rows, ~9.5 MB
        people_csv(path, rows=20_000, pad=400)
    elif kind == "60000-rows.xlsx":
        _openpyxl_xlsx(path, 60_000)
    elif kind == "million-rows-no-dimension.xlsx":
        crafted_xlsx(path, ["姓名"], shared_string_rows(1_000_000))
    elif kind == "600000-shared-strings.xlsx":
        crafted_xlsx(path, (f"s{n}" for n in range(600_000)), shared_string_rows(1))


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        ("20MB.csv", "import.too_big"),
        ("9MB-gb18030.csv", "import.too_many_rows"),
        ("20000-wide-rows.csv", "rows:20000"),
        ("60000-rows.xlsx", "import.too_many_rows"),
        ("million-rows-no-dimension.xlsx", "import.too_many_rows"),
        ("600000-shared-strings.xlsx", "import.workbook_too_complex"),
    ],
)
def test_import_memory_is_bounded(kind: str, outcome: str, tmp_path: Path) -> None:
    path = tmp_path / kind
    _make(kind, path)
    got, growth_mb = _read_in_a_fresh_process(path)
    assert got == outcome
    assert growth_mb < MAX_GROWTH_MB, f"{kind}: peak RSS grew {growth_mb:.0f} MB"
