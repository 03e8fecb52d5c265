"""The work orders pages without a browser: each order's title in both languages, its moments
in the tenant's zone, the pick list's target from the URL and its rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.i18n import t
from app.workorders import queries as picklist
from app.workorders.services.console import OrderRow
from app.workorders.state.picklist import _target, sheet_views
from app.workorders.state.workorders import _links, order_lines, titles

MADE = datetime(2026, 4, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 May in Shanghai
PARAMS = {"cabinet": "Lobby", "code": "C-1"}


def _order(**changes: object) -> OrderRow:
    fields: dict = {
        "id": 1,
        "title": "补货",
        "title_key": "workorder.restock_visit",
        "title_params": PARAMS,
        "cancel_reason": None,
        "kind": "restock",
        "status": "open",
        "tenant": "ACME",
        "cabinet": "Lobby",
        "cabinet_code": "C-1",
        "site": "HQ",
        "address": "1 Road",
        "assignee": "",
        "created_at": MADE,
        "closed_at": None,
    }
    return OrderRow(**(fields | changes))


def test_an_order_has_its_title_in_both_languages_and_the_tenants_time() -> None:
    (line,) = order_lines([_order()], "Asia/Shanghai")
    assert line["title_zh"] == t("workorder.restock_visit", "zh-CN", **PARAMS)
    assert line["title_en"] == t("workorder.restock_visit", "en", **PARAMS) == "Restock Lobby (C-1)"
    assert (line["created"], line["closed"]) == ("05-01 00:30", "")


def test_a_closed_order_shows_when_and_a_cancelled_one_why() -> None:
    order = _order(closed_at=MADE, cancel_reason="dup", title_key=None)
    (line,) = order_lines([order], "UTC")
    assert line["closed"] == "04-30 16:30"
    assert titles(order) == {"title_zh": "补货 — dup", "title_en": "补货 — dup"}


def test_a_title_written_for_an_older_wording_falls_back_to_the_stored_one() -> None:
    assert titles(_order(title_params={"cabinet": "x"}))["title_en"] == "补货"


def test_the_combined_lists_are_linked_by_cabinet_and_route() -> None:
    (link,) = _links([picklist.Target(4, "Lobby", "C-1", "ACME", 2)], "cabinet")
    assert link == {
        "href": "/workorders/picklist?cabinet=4",
        "name": "Lobby",
        "detail": "C-1",
        "tenant": "ACME",
        "orders": 2,
    }


@pytest.mark.parametrize(
    ("params", "target"),
    [
        ({"cabinet": "4"}, ("cabinet", 4)),
        ({"route": "9"}, ("route", 9)),
        ({"cabinet": "x", "route": "9"}, ("route", 9)),
        ({"cabinet": "-4"}, None),
        ({"cabinet": ["4"]}, None),
        ({"cabinet": None}, None),
        ({}, None),
    ],
)
def test_the_pick_list_reads_its_target_from_the_url(params: dict, target: object) -> None:
    assert _target(params) == target


def test_the_pick_list_shows_each_stop_and_the_totals() -> None:
    row = picklist.PickRow("A1", "Pen", "PEN-1", "支", 12, 2)
    stop = picklist.Stop(4, "Lobby", "C-1", "ACME", "HQ", "1 Road", [row])
    pick = picklist.CombinedPickList([stop], [picklist.ItemTotal("Pen", "PEN-1", "支", 12)], 2)
    stops, totals = sheet_views(pick)
    assert stops == [
        {
            "cabinet": "Lobby",
            "code": "C-1",
            "tenant": "ACME",
            "site": "HQ",
            "address": "1 Road",
            "rows": [
                {
                    "slot": "A1",
                    "item": "Pen",
                    "sku": "PEN-1",
                    "unit": "支",
                    "quantity": 12,
                    "orders": 2,
                }
            ],
        }
    ]
    assert totals == [{"item": "Pen", "sku": "PEN-1", "unit": "支", "quantity": 12}]
