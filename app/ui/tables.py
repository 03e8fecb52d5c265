"""The console's list tables: headers in the reader's language, one row per item of a page,
scrolling sideways on a phone instead of widening the page."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.ui.locale import tr


def data_table(
    headers: tuple[str, ...], rows: rx.Var, render: Callable, table_id: str
) -> rx.Component:
    """`headers`: translation keys ("" for a column without a title)."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(tr(k) if k else "") for k in headers])
            ),
            rx.table.body(rx.foreach(rows, render)),
            width="100%",
            id=table_id,
        ),
        overflow_x="auto",
        width="100%",
    )
