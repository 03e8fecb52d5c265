"""The console's stock page."""

from __future__ import annotations

import reflex as rx

from app.inventory.services.adjustments import AdjustReason
from app.inventory.state.stock import StockState as S
from app.ui.forms import NATIVE_SELECT, dialog_buttons, form_error, labelled
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action


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
        rx.table.cell(
            rx.cond(
                S.can_adjust,
                row_action("stock.write_off", S.open_write_off(row["id"]), "stock-write-off"),
            )
        ),
        class_name="stock-row",
        data_low=row["low"].to(str),
        data_entry=row["id"].to(str),
    )


def _write_off_dialog() -> rx.Component:
    """Units off a slot for damage, expiry or loss: reason, how many, a note."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("stock.write_off_title")),
            rx.text(S.write_off_subject, weight="bold", id="write-off-subject"),
            rx.text(tr("stock.write_off_help"), size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    labelled(
                        "field.reason",
                        rx.el.select(
                            *[
                                rx.el.option(tr(f"stocktake.reason.{r.value}"), value=r.value)
                                for r in AdjustReason
                            ],
                            name="reason",
                            id="write-off-reason",
                            style=NATIVE_SELECT,
                        ),
                        required=True,
                    ),
                    labelled(
                        "field.quantity",
                        rx.input(
                            name="quantity",
                            id="write-off-quantity",
                            type="number",
                            min=1,
                            required=True,
                            width="100%",
                        ),
                        required=True,
                    ),
                    labelled(
                        "stock.note",
                        rx.input(name="note", id="write-off-note", max_length=200, width="100%"),
                    ),
                    form_error(S.write_off_error, "write-off-error"),
                    dialog_buttons(S.close_write_off, "stock.write_off", "write-off-save"),
                    spacing="3",
                    margin_top="0.75rem",
                ),
                on_submit=S.write_off,
                reset_on_submit=False,
                key=S.writing_off.to(str),
            ),
            max_width="28rem",
            id="write-off-dialog",
        ),
        open=S.writing_off > 0,
    )


def stock_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.stock"), size="6"),
        rx.form(
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="stock-cabinet"),
                    rx.select.content(
                        rx.select.item(tr("common.all_cabinets"), value="all"),
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
                    rx.icon("search", size=14), tr("common.filter"), type="submit", id="stock-apply"
                ),
                gap="0.75rem",
                wrap="wrap",
                align="center",
            ),
            on_submit=S.apply,
        ),
        data_table(
            (
                "common.cabinet",
                "common.slot",
                "field.item",
                "stock.quantity",
                "stock.min_par",
                "stock.fill",
                "",
            ),
            S.rows,
            _row,
            "stock-table",
            empty_key="stock.none",
        ),
        pager(S, "stock"),
        _write_off_dialog(),
        spacing="4",
        width="100%",
        id="stock",
        data_loaded=S.loaded.to(str),
    )


stock_page = console_page(stock_body)
