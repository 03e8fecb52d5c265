"""docs/api.md stays true to the API: each list's row (and a withdrawal's lines) has exactly the
fields its table under "## Rows" names, a PUT answers with its list's row, and the Routes table
names every operation of the OpenAPI document and nothing else. A field added to or removed
from a row without the docs fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session

from app.inventory.models import MovementKind, StockMovement
from tests.api.v1.conftest import bearer

API_MD = Path(__file__).resolve().parents[3] / "docs" / "api.md"
LINES = "/withdrawals: lines"  # the heading of a withdrawal's lines
FIELD = re.compile(r"^\|\s*`([^`]+)`\s*\|")
ROUTE = re.compile(r"^\|\s*(GET|PUT|POST|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|")
METHODS = {"get", "put", "post", "patch", "delete"}


def _section(title: str) -> list[str]:
    """The lines of `## title` up to the next `## ` heading."""
    lines = API_MD.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def documented_rows() -> dict[str, set[str]]:
    """`### <path>` heading → the backticked names in the first column of its table."""
    tables: dict[str, set[str]] = {}
    heading = None
    for line in _section("Rows"):
        if line.startswith("### "):
            heading = line[4:].strip()
            tables[heading] = set()
        elif heading is not None and (found := FIELD.match(line)):
            tables[heading].add(found.group(1))
    return tables


def documented_routes() -> set[tuple[str, str]]:
    return {(m.group(1), m.group(2)) for line in _section("Routes") if (m := ROUTE.match(line))}


def _correction(session: Session, side) -> None:
    """A correction of the world's withdrawal (it has none), so its feed has a row to compare."""
    common = {"tenant_id": side.tenant_id, "cabinet_id": side.ids["cabinet"],
              "slot_id": side.ids["slot"], "item_id": side.ids["item"]}  # fmt: skip
    session.add(StockMovement(**common, kind=MovementKind.adjustment.value, quantity_delta=5,
                              balance_after=5, reason="初始"))  # fmt: skip
    session.flush()
    session.add(StockMovement(**common, kind=MovementKind.correction.value, quantity_delta=-1,
                              balance_after=4, withdrawal_id=side.ids["withdrawal"],
                              reason="多拿了一个"))  # fmt: skip
    session.commit()


def test_the_docs_have_a_table_per_list() -> None:
    tables = documented_rows()
    assert LINES in tables
    assert all(tables.values()), [path for path, fields in tables.items() if not fields]


@pytest.mark.dialects("sqlite")
async def test_every_list_row_has_exactly_the_documented_fields(
    session: Session, client, world
) -> None:
    a, _ = world
    _correction(session, a)
    tables = documented_rows()
    document = (await client.get("/openapi.json")).json()
    lists = {p for p, ops in document["paths"].items() if "get" in ops and "{" not in p}
    assert {p for p in tables if p != LINES} == lists  # every list documented, nothing else
    for path in sorted(lists):
        response = await client.get(path, headers=bearer(a.key))
        assert response.status_code == 200, (path, response.text)
        rows = response.json()["data"]
        assert rows, f"{path}: the world gives no row to compare"
        for row in rows:
            assert set(row) == tables[path], (path, set(row) ^ tables[path])
    withdrawals = (await client.get("/withdrawals", headers=bearer(a.key))).json()["data"]
    lines = [line for w in withdrawals for line in w["lines"]]
    assert lines
    for line in lines:
        assert set(line) == tables[LINES], set(line) ^ tables[LINES]


@pytest.mark.dialects("sqlite")
async def test_a_write_answers_its_lists_row(client, world) -> None:
    a, _ = world
    tables = documented_rows()
    writes = [
        ("PUT", "/items/SKU-DOC", {"name": "订书钉", "unit_weight_g": 30, "tags": ["常用"]},
         "/items"),
        ("PUT", "/departments/D-DOC", {"name": "财务部", "parent_external_id": "D-1"},
         "/departments"),
        ("PUT", "/people/P-DOC", {"name": "李娜", "department_external_id": "D-1"}, "/people"),
        ("POST", "/people/P-1/disable", None, "/people"),
    ]  # fmt: skip
    for method, path, body, listed in writes:
        response = await client.request(method, path, json=body, headers=bearer(a.key))
        assert response.status_code in (200, 201), (path, response.text)
        assert set(response.json()) == tables[listed], (path, set(response.json()))
    moved = await client.post(
        f"/work-orders/{a.ids['order']}/status", json={"status": "in_progress"},
        headers=bearer(a.key),
    )  # fmt: skip
    assert moved.status_code == 200, moved.text
    assert set(moved.json()) == {"id", "status", "closed_at"}


@pytest.mark.dialects("sqlite")
async def test_the_routes_table_names_every_operation_and_no_other(client) -> None:
    document = (await client.get("/openapi.json")).json()
    operations = {
        (method.upper(), path)
        for path, ops in document["paths"].items()
        for method in ops
        if method in METHODS
    }
    assert documented_routes() == operations
