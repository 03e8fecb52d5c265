"""The reports page's tables: headers a person clicks to sort by (an arrow says which and which
way), rows that scroll sideways inside their box instead of widening the page."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.reports.state.reports import ReportsState as S
from app.ui.locale import tr


def _arrow(table: str, column: str) -> rx.Component:
    return rx.match(
        S.sorts[table].to(str),
        (column, rx.icon("arrow-up", size=12)),
        (f"-{column}", rx.icon("arrow-down", size=12)),
        rx.icon("arrow-up-down", size=12, opacity="0.35"),
    )


def _header(table: str, column: str, key: str) -> rx.Component:
    if not column:  # a column without an order of its own
        return rx.table.column_header_cell(tr(key) if key else "")
    order = S.sorts[table].to(str)
    return rx.table.column_header_cell(
        rx.el.button(
            tr(key),
            _arrow(table, column),
            on_click=S.sort_by(table, column),
            title=tr("reports.sort_hint"),
            class_name="rp-sort",
            id=f"rp-{table}-sort-{column}",
            style={
                "display": "inline-flex",
                "align_items": "center",
                "gap": "0.25rem",
                "cursor": "pointer",
                "font": "inherit",
                "font_weight": "600",
                "white_space": "nowrap",
                "background": "none",
                "border": "none",
                "padding": "0",
                "color": "inherit",
            },
        ),
        aria_sort=rx.match(order, (column, "ascending"), (f"-{column}", "descending"), "none"),
    )


def sortable_table(
    table: str,
    columns: tuple[tuple[str, str], ...],
    rows: rx.Var,
    render: Callable,
    table_id: str,
) -> rx.Component:
    """`columns`: (row key to sort by, or "" for none; header translation key)."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[_header(table, c, k) for c, k in columns])),
            rx.table.body(rx.foreach(rows, render)),
            width="100%",
            id=table_id,
        ),
        overflow_x="auto",
        width="100%",
        max_width="100%",
    )
