"""The console's stock page."""

from __future__ import annotations

import reflex as rx

from app.inventory.stock_state import StockState as S
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table


def _row(row: rx.Var) -> rx.Component:
    colour = rx.cond(row["low"], "red", "teal")
    return rx.table.row(
        rx.table.cell(row["cabinet"]),
        rx.table.cell(row["slot"]),
        rx.table.cell(rx.text(row["item"]), rx.text(row["sku"], size="1", color="gray")),
        rx.table.cell(
            rx.text(
                row["quantity"],
                weight="bold",
                color=rx.cond(row["low"], rx.color("red", 11), rx.color("teal", 11)),
            ),
        ),
        rx.table.cell(row["min_qty"], " / ", row["par_qty"]),
        rx.table.cell(
            rx.progress(value=row["fill"], color_scheme=colour, width="8rem"),
            rx.cond(
                row["low"], rx.badge(tr("stock.low"), color_scheme="red", margin_left="0.5rem")
            ),
        ),
        class_name="stock-row",
        data_low=row["low"].to(str),
    )


def stock_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.stock"), size="6"),
        rx.form(
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="stock-cabinet"),
                    rx.select.content(
                        rx.select.item(tr("withdrawals.all_cabinets"), value="all"),
                        rx.foreach(S.cabinets, lambda o: rx.select.item(o["name"], value=o["id"])),
                    ),
                    name="cabinet",
                    default_value=S.cabinet,
                ),
                rx.input(name="search", placeholder=tr("stock.search"), default_value=S.search),
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="low_only", default_checked=S.low_only, id="stock-low"),
                        rx.text(tr("stock.low_only"), size="2"),
                        align="center",
                    )
                ),
                rx.button(
                    rx.icon("search", size=14), tr("people.filter"), type="submit", id="stock-apply"
                ),
                gap="0.75rem",
                wrap="wrap",
                align="center",
            ),
            on_submit=S.apply,
        ),
        data_table(
            (
                "withdrawals.cabinet",
                "review.slot",
                "field.item",
                "stock.quantity",
                "stock.min_par",
                "stock.fill",
            ),
            S.rows,
            _row,
            "stock-table",
        ),
        rx.cond(S.loaded & (S.rows.length() == 0), rx.text(tr("stock.none"), color="gray")),
        pager(S, "stock"),
        spacing="4",
        width="100%",
        id="stock",
        data_loaded=S.loaded.to(str),
    )


stock_page = console_page(stock_body)
