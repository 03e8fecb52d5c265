"""The console's list tables: headers in the reader's language, one row per item of a page,
scrolling sideways on a phone instead of widening the page."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.ui.locale import tr


def data_table(
    headers: tuple[str, ...],
    rows: rx.Var,
    render: Callable,
    table_id: str,
    empty_key: str = "table.empty",
) -> rx.Component:
    """`headers`: translation keys ("" for a column without a title); `empty_key`: what an
    empty list says (what to do next)."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(tr(k) if k else "") for k in headers])
            ),
            rx.table.body(rx.foreach(rows, render), empty_row(rows, len(headers), empty_key)),
            width="100%",
            id=table_id,
        ),
        overflow_x="auto",
        width="100%",
    )


def empty_row(rows: rx.Var, columns: int, key: str = "table.empty") -> rx.Component:
    """One row across the table when it has none, saying what to do."""
    return rx.cond(
        rows.length() == 0,
        rx.table.row(
            rx.table.cell(
                rx.hstack(
                    rx.icon("inbox", size=16, color=rx.color("gray", 9)),
                    rx.text(tr(key), color=rx.color("gray", 11), size="2"),
                    align="center",
                    spacing="2",
                ),
                col_span=columns,
                class_name="table-empty",
            )
        ),
    )


def row_action(label_key: str, on_click, class_name: str) -> rx.Component:
    """The explicit action of a row ("查看" / "View"): says the row opens something. (The
    click stops here: a row that also opens on click must not open twice.)"""
    handlers = on_click if isinstance(on_click, list) else [on_click]
    return rx.button(
        tr(label_key),
        size="1",
        variant="soft",
        on_click=[rx.stop_propagation, *handlers],
        class_name=class_name,
        white_space="nowrap",
    )


def row_style(selected: rx.Var) -> dict:
    """A clickable row: pointer, hover and the selected row highlighted."""
    return {
        "cursor": "pointer",
        "background": rx.cond(selected, rx.color("accent", 3), "transparent"),
        "_hover": {"background": rx.color("accent", 2)},
        "data_selected": selected.to(str),
    }
