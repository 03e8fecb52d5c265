"""What the reports page shows, decided outside the page: the daily chart stops at today (the
clock given, never the machine's), and a clicked column sorts the rows by what the cells mean."""

from __future__ import annotations

from datetime import date

from app.reports.pages.charts import daily_figure
from app.reports.queries.consumption import Figures
from app.reports.services.reports import days_so_far
from app.reports.services.sorting import cell_key, parse_sort, sort_rows

DECEMBER = {date(2026, 12, d): Figures(d, d * 2, d * 100) for d in range(1, 32)}


def test_the_chart_stops_at_today_on_an_axis_spanning_the_month() -> None:
    days = days_so_far(DECEMBER, today=date(2026, 12, 5))
    assert list(days) == [date(2026, 12, d) for d in range(1, 6)]
    figure = daily_figure(days, "zh-CN", span=(date(2026, 12, 1), date(2026, 12, 31)))
    bars, line = figure["data"]
    assert bars["x"] == [f"2026-12-0{d}" for d in range(1, 6)]
    assert bars["y"] == [1.0, 2.0, 3.0, 4.0, 5.0] and line["y"] == [2, 4, 6, 8, 10]
    assert figure["layout"]["xaxis"]["range"] == ["2026-11-30 12:00", "2026-12-31 12:00"]


def test_a_past_month_is_whole_and_a_future_one_empty() -> None:
    assert len(days_so_far(DECEMBER, today=date(2027, 1, 3))) == 31
    assert days_so_far(DECEMBER, today=date(2026, 11, 30)) == {}


def test_cells_compare_as_what_they_mean() -> None:
    assert cell_key("1,234.50") == (0, 1234.5) and cell_key("¥9.00") == (0, 9.0)
    assert cell_key("12.5%") == (0, 12.5) and cell_key(7) == (0, 7.0)
    assert cell_key("—") == (2, "") and cell_key("") == (2, "")
    assert cell_key("财务部")[0] == 1


def test_rows_sort_both_ways_with_blanks_last() -> None:
    rows = [
        {"label": "出纳组", "cost": "900.00", "turnover": "—"},
        {"label": "财务部", "cost": "1,530.00", "turnover": "0.50"},
        {"label": "行政部", "cost": "70.00", "turnover": "2.00"},
    ]
    assert [r["cost"] for r in sort_rows(rows, "cost", True)] == ["1,530.00", "900.00", "70.00"]
    assert [r["cost"] for r in sort_rows(rows, "cost", False)] == ["70.00", "900.00", "1,530.00"]
    for descending in (True, False):
        assert sort_rows(rows, "turnover", descending)[-1]["turnover"] == "—"


def test_only_a_column_of_the_table_sorts() -> None:
    assert parse_sort("-cost", ("label", "cost")) == ("cost", True)
    assert parse_sort("label", ("label", "cost")) == ("label", False)
    assert parse_sort("-drill", ("label", "cost")) is None
    assert parse_sort("", ("label", "cost")) is None
