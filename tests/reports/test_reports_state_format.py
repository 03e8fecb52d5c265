"""The reports page without a browser: the period its fields name, each row's cost in yuan and
share, the link to the withdrawals behind it, and the subscriptions' rows in the tenant's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from app.core.errors import ValidationError
from app.reports.queries.consumption import Figures, Row
from app.reports.queries.rollup import RolledRow
from app.reports.services.periods import Period
from app.reports.services.subscriptions import SubscriptionView
from app.reports.state.reports import (
    _share,
    consumption_line,
    drill_link,
    period_from,
    rolled_line,
    table_of,
)
from app.reports.state.subscriptions import subscription_lines

MARCH = Period("month", date(2026, 3, 1), date(2026, 3, 31))


def _query(link: str) -> dict[str, list[str]]:
    parts = urlsplit(link)
    assert parts.path == "/withdrawals"
    return parse_qs(parts.query)


@pytest.mark.parametrize(
    ("kind", "day", "last", "first", "final"),
    [
        ("day", "2026-03-04", "", date(2026, 3, 4), date(2026, 3, 4)),
        ("week", "2026-03-04", "", date(2026, 3, 2), date(2026, 3, 8)),
        ("month", "2026-02-14", "garbage", date(2026, 2, 1), date(2026, 2, 28)),
        ("custom", "2026-03-04", "2026-03-10", date(2026, 3, 4), date(2026, 3, 10)),
    ],
)
def test_the_fields_name_a_period(kind: str, day: str, last: str, first: date, final: date) -> None:
    period = period_from(kind, day, last)
    assert (period.kind, period.first, period.last) == (kind, first, final)


@pytest.mark.parametrize(
    ("kind", "day", "last", "field"),
    [
        ("month", "", "", "day"),
        ("month", "2026-13-01", "", "day"),
        ("custom", "2026-03-04", "soon", "day"),
        ("custom", "2026-03-04", "2026-03-01", "last"),
        ("year", "2026-03-04", "", "period"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(
    kind: str, day: str, last: str, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        period_from(kind, day, last)
    assert refused.value.params["field"] == field


def test_a_row_shows_its_cost_in_yuan_its_share_and_its_withdrawals() -> None:
    row = Row(key=4, label="Sales", detail="", figures=Figures(3, 7, 123456))
    line = consumption_line("department", row, 246912, MARCH, "all")
    assert (line["cost"], line["share"], line["count"], line["quantity"]) == (
        "1,234.56",
        "50.0%",
        3,
        7,
    )
    assert _query(line["drill"]) == {
        "department": ["4"],
        "since": ["2026-03-01"],
        "until": ["2026-03-31"],
    }
    assert (line["own"], line["subs"]) == ("", 0)


def test_a_link_keeps_the_pages_cabinet_except_for_a_cabinets_own_row() -> None:
    assert _query(drill_link("item", 9, MARCH, "2"))["cabinet"] == ["2"]
    assert _query(drill_link("cabinet", 2, MARCH, "2"))["cabinet"] == ["2"]
    assert "cabinet" not in _query(drill_link("person", 5, MARCH, "all"))
    assert (
        drill_link("period", 5, MARCH, "all") == "" and drill_link("item", None, MARCH, "all") == ""
    )


def test_a_department_with_sub_departments_shows_its_own_cost_and_no_single_link() -> None:
    parent = RolledRow(4, "Sales", "", Figures(1, 1, 500), Figures(5, 9, 2000), descendants=2)
    leaf = RolledRow(6, "Sales › East", "", Figures(1, 1, 500), Figures(1, 1, 500), descendants=0)
    rolled = rolled_line(parent, 0, MARCH, "all")
    assert (rolled["cost"], rolled["own"], rolled["subs"], rolled["drill"]) == (
        "20.00",
        "5.00",
        2,
        "",
    )
    assert rolled["share"] == "0.0%"  # nothing spent in the period: no division by zero
    assert _query(rolled_line(leaf, 2000, MARCH, "all")["drill"])["department"] == ["6"]


def test_a_share_is_to_a_tenth_of_a_percent() -> None:
    assert _share(1, 3) == "33.3%" and _share(0, 0) == "0.0%" and _share(5, 5) == "100.0%"


def test_a_tab_names_its_table() -> None:
    assert table_of("department", True) == "department_rolled"
    assert table_of("department", False) == "department"
    assert table_of("exceptions", True) == "reasons" and table_of("item", True) == "item"


def test_a_subscription_shows_its_next_run_unless_paused() -> None:
    view = SubscriptionView(
        id=1,
        kind="week",
        channel="email",
        target="a@b.c",
        is_active=True,
        next_run_at=datetime(2026, 3, 1, 0, 0, tzinfo=UTC),
        last_status="failed",
        last_error="550",
        last_attempts=3,
        last_period="2026-W08",
    )
    active, paused = subscription_lines(
        [view, view.__class__(**{**view.__dict__, "is_active": False})], "Asia/Shanghai"
    )
    assert active["next"] == "2026-03-01 08:00" and paused["next"] == "—"
    assert (active["status"], active["error"], active["attempts"]) == ("failed", "550", 3)
