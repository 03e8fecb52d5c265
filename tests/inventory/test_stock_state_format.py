"""The stock and stocktakes pages without a browser: the slots' rows, the count sheet and its
totals in signed units and yuan, moments in the tenant's zone, the typed counts read by line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.errors import ValidationError
from app.inventory.queries.stock import StockRow
from app.inventory.queries.stocktakes import ReportLine, StocktakeReport, StocktakeRow
from app.inventory.state.stock import stock_lines
from app.inventory.state.stocktakes import (
    _counts,
    _lines,
    _money,
    _signed,
    sheet_totals,
    stocktake_rows,
)

STARTED = datetime(2026, 10, 31, 16, 20, tzinfo=UTC)  # 00:20 on 1 November in Shanghai


def _report(*lines: ReportLine) -> StocktakeReport:
    return StocktakeReport(
        id=1,
        tenant_id=1,
        cabinet="Lobby",
        cabinet_code="C-1",
        status="waiting",
        counted_by="Li Lei",
        counted_by_account_id=3,
        decided_by=None,
        note=None,
        started_at=STARTED,
        submitted_at=None,
        decided_at=None,
        timezone="Asia/Shanghai",
        lines=list(lines),
    )


LOST = ReportLine(
    1, "A1", "Pen", "PEN-1", "支", ledger=10, suggested=9, counted=7, unit_cost_cents=150
)
GAINED = ReportLine(
    2, "A2", "Pad", "PAD-1", "本", ledger=2, suggested=None, counted=4, unit_cost_cents=1000
)
UNCOUNTED = ReportLine(
    3, "A3", "Clip", "CL-1", "盒", ledger=5, suggested=5, counted=None, unit_cost_cents=99
)


def test_a_stock_row_names_its_cabinet_and_marks_a_low_slot() -> None:
    (line,) = stock_lines([StockRow(4, "Lobby", "C-1", "A1", "Pen", "PEN-1", 2, 3, 8)])
    assert line == {
        "id": 4,
        "cabinet": "Lobby (C-1)",
        "slot": "A1",
        "item": "Pen",
        "sku": "PEN-1",
        "quantity": 2,
        "min_qty": 3,
        "par_qty": 8,
        "low": True,
        "fill": 25,
    }


def test_a_difference_is_signed_and_money_keeps_its_sign_before_the_yuan() -> None:
    assert (_signed(3), _signed(-2), _signed(0)) == ("+3", "-2", "0")
    assert (_money(123456), _money(-450), _money(0)) == ("¥1,234.56", "-¥4.50", "¥0.00")


def test_the_count_sheet_shows_each_difference_and_its_value() -> None:
    lost, gained, uncounted = _lines(_report(LOST, GAINED, UNCOUNTED))
    assert lost == {
        "id": 1,
        "slot": "A1",
        "item": "Pen",
        "sku": "PEN-1",
        "ledger": 10,
        "suggested": "9",
        "counted": "7",
        "difference": "-3",
        "value": "-¥4.50",
        "differs": True,
    }
    assert (gained["difference"], gained["value"], gained["suggested"]) == ("+2", "¥20.00", "")
    assert (uncounted["counted"], uncounted["difference"], uncounted["value"]) == ("", "", "")
    assert uncounted["differs"] is False


def test_the_totals_are_units_and_yuan() -> None:
    assert sheet_totals(_report(LOST, GAINED, UNCOUNTED)) == {
        "differing": "2",
        "lost": "3",
        "gained": "2",
        "net": "¥15.50",
        "total": "¥24.50",
    }


def test_the_list_shows_the_start_in_the_tenants_zone_and_a_value_once_counted() -> None:
    rows = [
        StocktakeRow(1, "Lobby", "C-1", "Li Lei", STARTED, "applied", 2450, "Asia/Shanghai"),
        StocktakeRow(2, "Lobby", "C-1", "Li Lei", STARTED, "counting", 0, "UTC"),
    ]
    applied, counting = stocktake_rows(rows)
    assert (applied["started"], applied["value"], applied["cabinet"]) == (
        "11-01 00:20",
        "¥24.50",
        "Lobby (C-1)",
    )
    assert (counting["started"], counting["value"]) == ("10-31 16:20", "")


def test_the_typed_counts_are_read_by_line_and_cut_short() -> None:
    form = {"count-4": " 12 ", "count-5": None, "count-6": "9" * 40, "note": "x", 3: "y"}
    assert _counts(form) == {4: "12", 5: "", 6: "9" * 12}


@pytest.mark.parametrize("key", ["count-x", "count-", "count--1", "count-1.5"])
def test_a_count_field_naming_no_line_is_refused(key: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _counts({key: "3"})
    assert refused.value.params["field"] == "id"
