"""docs/architecture.md cannot go stale silently (docs/architecture.md § Traced paths).

- Every backticked `path/file.py:name` (or `path/file.py:Class.method`) in the document names
  something its module really has: the module is imported and the name looked up.
- Every backticked path of the repository (`app/…`, `hardware/…`, `vision/…`, `tests/…`) exists;
  in the entry-point table a file named relative to its row's package (`service.py`) too.
- Each traced path has 6 to 10 steps, each starting with a `file:function` reference.
- Every package directly under `app/` (and `hardware/`, `vision/`) has its row in the table.

A failure names the document's line and the reference as written there.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
DOC_NAME = "docs/architecture.md"
ENTRY_POINTS = "Entry points by package"
TRACED_PATHS = "Traced paths"
TOP_LEVEL = ("app", "hardware", "vision", "tests")
STEPS = range(6, 11)

BACKTICKED = re.compile(r"`([^`\s]+)`")
# a path (a file `….py` or a directory), then optionally `:name` or `:Class.method`
TOKEN = re.compile(r"([\w/]+?\.py|[\w/]+)(?::([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))?")
RELATIVE = re.compile(r"\w[\w/]*(?:\.py|/)")  # `service.py`, `v1/context.py`, `simulator/`
STEP = re.compile(r"\d+\. `([^`]+)`")


@dataclass(frozen=True)
class Reference:
    line: int  # in the document, from 1
    written: str  # as the document writes it
    path: str  # from the repository's root
    name: str  # "" for a path alone

    def where(self) -> str:
        return f"{DOC_NAME}:{self.line}: `{self.written}`"


def _heading(line: str) -> str | None:
    return line[3:].strip() if line.startswith("## ") else None


def _row_package(line: str) -> str | None:
    """The package a row of the entry-point table is about (its first cell), if it is a row."""
    cells = line.split("|")
    if not line.startswith("|") or len(cells) < 3:
        return None
    first = BACKTICKED.fullmatch(cells[1].strip())
    return first.group(1) if first and first.group(1).endswith("/") else None


def _reference(token: str, line: int, package: str | None) -> Reference | None:
    """The reference a backticked token makes, or None when it names nothing in the repo."""
    matched = TOKEN.fullmatch(token)
    if matched is None:
        return None
    path, name = matched.group(1), matched.group(2) or ""
    if "/" in path and path.split("/")[0] in TOP_LEVEL:
        return Reference(line, token, path, name)
    if package is not None and RELATIVE.fullmatch(path):
        return Reference(line, token, package + path, name)
    return None


def references(text: str) -> list[Reference]:
    """Every reference to the repository the document makes, in order."""
    found: list[Reference] = []
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        section = _heading(line) or section
        package = _row_package(line) if section == ENTRY_POINTS else None
        for token in BACKTICKED.findall(line):
            reference = _reference(token, number, package)
            if reference is not None:
                found.append(reference)
    return found


def _module_name(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lookup(module: ModuleType, name: str) -> str | None:
    """Why `name` (dotted: `Class.method`) is not found on `module`; None when it is."""
    found: object = module
    seen = module.__name__
    for part in name.split("."):
        if not hasattr(found, part):
            return f"{seen} has no attribute {part!r}"
        found, seen = getattr(found, part), f"{seen}.{part}"
    return None


def problem(reference: Reference, root: Path = ROOT) -> str | None:
    """What is wrong with one reference (None: it resolves)."""
    target = root / reference.path
    if not target.exists():
        return f"{reference.where()}: no such file or directory {reference.path}"
    if not reference.name:
        return None
    if target.suffix != ".py":
        return f"{reference.where()}: {reference.path} is not a Python module"
    module_name = _module_name(reference.path)
    try:
        module = importlib.import_module(module_name)
    except Exception as failed:
        return f"{reference.where()}: cannot import {module_name}: {failed!r}"
    missing = _lookup(module, reference.name)
    return f"{reference.where()}: {missing}" if missing else None


def problems(text: str, root: Path = ROOT) -> list[str]:
    """Every reference of the document that does not resolve, each named with its line."""
    return [p for r in references(text) if (p := problem(r, root)) is not None]


def traced_paths(text: str) -> dict[str, list[tuple[int, str]]]:
    """Each traced path (its `###` heading) → its numbered steps (line, text)."""
    paths: dict[str, list[tuple[int, str]]] = {}
    section, current = "", ""
    for number, line in enumerate(text.splitlines(), start=1):
        section = _heading(line) or section
        if section != TRACED_PATHS:
            continue
        if line.startswith("### "):
            current = line[4:].strip()
            paths[current] = []
        elif current and re.match(r"\d+\. ", line):
            paths[current].append((number, line))
    return paths


def table_packages(text: str) -> set[str]:
    section, rows = "", set()
    for line in text.splitlines():
        section = _heading(line) or section
        package = _row_package(line) if section == ENTRY_POINTS else None
        if package is not None:
            rows.add(package)
    return rows


def packages(root: Path = ROOT) -> set[str]:
    """The packages directly under app/, with app/ itself, hardware/ and vision/."""
    under_app = {
        f"app/{d.name}/" for d in (root / "app").iterdir() if (d / "__init__.py").is_file()
    }
    return under_app | {"app/", "hardware/", "vision/"}


def _document() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_reference_of_the_document_resolves() -> None:
    text = _document()
    assert len(references(text)) > 100  # the parser still finds the table and the paths
    found = problems(text)
    assert not found, "stale references in docs/architecture.md:\n" + "\n".join(found)


def test_each_traced_path_names_a_function_at_every_step() -> None:
    paths = traced_paths(_document())
    assert len(paths) == 3, sorted(paths)
    for heading, steps in paths.items():
        assert len(steps) in STEPS, f"{heading}: {len(steps)} steps, not 6 to 10"
        for number, line in steps:
            first = STEP.match(line)
            token = TOKEN.fullmatch(first.group(1)) if first else None
            assert token and token.group(2), (
                f"{DOC_NAME}:{number}: a step starts with `file.py:function`: {line[:80]}"
            )


def test_every_package_has_a_row_in_the_entry_point_table() -> None:
    missing = packages() - table_packages(_document())
    assert not missing, f"no row in {DOC_NAME} § {ENTRY_POINTS} for {sorted(missing)}"


def test_the_checker_reports_a_made_up_reference() -> None:
    text = (
        "## Traced paths\n"
        "1. `app/jobs.py:no_such_function` — nothing\n"
        "2. `hardware/gateway.py:Gateway.no_such_method` — nothing either\n"
        "3. `app/no_such_module.py:anything` — and `app/jobs.py:export_report` is fine\n"
    )
    found = problems(text)
    assert len(found) == 3, found
    assert found[0].startswith(f"{DOC_NAME}:2: `app/jobs.py:no_such_function`")
    assert "'no_such_function'" in found[0]
    assert "app.jobs" in found[0]
    assert "hardware.gateway.Gateway has no attribute 'no_such_method'" in found[1]
    assert "no such file or directory app/no_such_module.py" in found[2]


def test_the_checker_reports_a_missing_file_of_the_table() -> None:
    text = f"## {ENTRY_POINTS}\n| `app/wall/` | `service.py`, `no_such.py` | `/walls` |\n"
    assert [r.path for r in references(text)] == [
        "app/wall/",
        "app/wall/service.py",
        "app/wall/no_such.py",
    ]
    assert problems(text) == [
        f"{DOC_NAME}:2: `no_such.py`: no such file or directory app/wall/no_such.py"
    ]
