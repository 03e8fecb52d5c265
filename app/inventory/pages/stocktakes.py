"""The console's stocktakes page: the list with a new count of a chosen cabinet; one stocktake
as its count sheet (while counting) or its report, with approve / reject for an approver."""

from __future__ import annotations

import reflex as rx

from app.inventory.state.stocktakes import COUNT_FIELD
from app.inventory.state.stocktakes import StocktakesState as S
from app.ui.forms import NATIVE_SELECT
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action

STATUSES = {
    "counting": "blue",
    "waiting": "amber",
    "applied": "teal",
    "rejected": "red",
    "cancelled": "gray",
}


def _status(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[
            (s, rx.badge(tr(f"stocktake.status.{s}"), color_scheme=colour))
            for s, colour in STATUSES.items()
        ],
        rx.badge(status),
    )


def _list_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["cabinet"]),
        rx.table.cell(row["counted_by"]),
        rx.table.cell(row["started"]),
        rx.table.cell(_status(row["status"])),
        rx.table.cell(row["value"]),
        rx.table.cell(row_action("stocktake.view", S.open(row["id"]), "stocktake-view")),
        class_name="stocktake-row",
        data_status=row["status"],
    )


def _new_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.select(
                rx.el.option(tr("stocktake.choose_cabinet"), value=""),
                rx.foreach(S.cabinets, lambda o: rx.el.option(o["name"], value=o["id"])),
                name="cabinet",
                id="stocktake-cabinet",
                required=True,
                style={**NATIVE_SELECT, "width": "auto", "maxWidth": "100%"},
            ),
            rx.button(
                rx.icon("clipboard-check", size=14),
                tr("stocktake.new"),
                type="submit",
                id="stocktake-new",
            ),
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=S.start,
        reset_on_submit=True,
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.text(tr("stocktake.explain"), size="2", color=rx.color("gray", 11)),
        rx.cond(S.can_adjust, _new_form()),
        data_table(
            (
                "stocktake.col.cabinet",
                "stocktake.col.counted_by",
                "stocktake.col.started",
                "stocktake.col.status",
                "stocktake.col.value",
                "",
            ),
            S.rows,
            _list_row,
            "stocktake-table",
            empty_key="stocktake.none",
        ),
        spacing="4",
        width="100%",
    )


def _counted(line: rx.Var) -> rx.Component:
    """The counted quantity: an input on the sheet, the figure once submitted."""
    return rx.cond(
        S.status == "counting",
        rx.input(
            name=COUNT_FIELD + line["id"].to(str),
            default_value=line["counted"],
            input_mode="numeric",
            pattern="[0-9]*",
            required=True,
            width="6rem",
            class_name="stocktake-count",
            data_slot=line["slot"],
        ),
        rx.text(line["counted"], weight="bold"),
    )


def _line(line: rx.Var) -> rx.Component:
    colour = rx.cond(line["differs"], rx.color("red", 11), rx.color("gray", 12))
    return rx.table.row(
        rx.table.cell(line["slot"]),
        rx.table.cell(rx.text(line["item"]), rx.text(line["sku"], size="1", color="gray")),
        rx.table.cell(line["ledger"]),
        rx.table.cell(line["suggested"]),
        rx.table.cell(_counted(line)),
        rx.table.cell(rx.text(line["difference"], color=colour)),
        rx.table.cell(rx.text(line["value"], color=colour)),
        class_name="stocktake-line",
        data_slot=line["slot"],
        data_differs=line["differs"].to(str),
    )


def _lines_table() -> rx.Component:
    return data_table(
        (
            "stocktake.col.slot",
            "stocktake.col.item",
            "stocktake.col.ledger",
            "stocktake.col.suggested",
            "stocktake.col.counted",
            "stocktake.col.difference",
            "stocktake.col.line_value",
        ),
        S.lines,
        _line,
        "stocktake-lines",
        empty_key="stocktake.no_lines",
    )


def _sheet() -> rx.Component:
    """The count sheet: every line's counted input, a note, submit (or abandon)."""
    return rx.form(
        rx.vstack(
            rx.text(tr("stocktake.sheet_help"), size="2", color=rx.color("gray", 11)),
            _lines_table(),
            rx.input(
                name="note",
                placeholder=tr("stocktake.note"),
                max_length=200,
                width="100%",
                id="stocktake-note",
            ),
            rx.hstack(
                rx.button(
                    tr("stocktake.cancel"),
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.cancel,
                    id="stocktake-cancel",
                ),
                rx.button(tr("stocktake.submit"), type="submit", id="stocktake-submit"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        key=S.current_id.to(str),
        width="100%",
    )


def _figure(key: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(tr(key), size="1", color=rx.color("gray", 11)),
        rx.text(value, size="4", weight="bold"),
        spacing="0",
        min_width="8rem",
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.flex(
            _figure("stocktake.lines_differing", S.totals["differing"]),
            _figure("stocktake.units_lost", S.totals["lost"]),
            _figure("stocktake.units_gained", S.totals["gained"]),
            _figure("stocktake.net_value", S.totals["net"]),
            _figure("stocktake.total_value", S.totals["total"]),
            gap="1.5rem",
            wrap="wrap",
            id="stocktake-totals",
        ),
        rx.cond(
            S.status == "waiting",
            rx.callout(
                tr("stocktake.waiting_help").replace("{threshold}", S.threshold),
                color_scheme="amber",
                width="100%",
            ),
        ),
        rx.cond(
            S.can_decide,
            rx.hstack(
                rx.button(
                    tr("stocktake.reject"),
                    variant="soft",
                    color_scheme="red",
                    on_click=S.reject,
                    id="stocktake-reject",
                ),
                rx.button(tr("stocktake.approve"), on_click=S.approve, id="stocktake-approve"),
                justify="end",
                width="100%",
            ),
        ),
        _lines_table(),
        spacing="4",
        width="100%",
        id="stocktake-report",
    )


def _detail() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.button(
                rx.icon("arrow-left", size=14),
                tr("stocktake.back"),
                variant="ghost",
                on_click=S.back,
                id="stocktake-back",
            ),
            rx.heading(S.heading, size="4"),
            _status(S.status),
            gap="0.75rem",
            align="center",
            wrap="wrap",
        ),
        rx.flex(
            rx.text(tr("stocktake.counted_by").replace("{name}", S.counted_by), size="2"),
            rx.text(tr("stocktake.started_at").replace("{at}", S.started), size="2"),
            rx.cond(
                S.decided_by != "",
                rx.text(tr("stocktake.decided_by").replace("{name}", S.decided_by), size="2"),
            ),
            gap="1.5rem",
            wrap="wrap",
            color=rx.color("gray", 11),
        ),
        rx.cond(S.status == "counting", _sheet(), _report()),
        spacing="4",
        width="100%",
        id="stocktake-detail",
        data_status=S.status,
    )


def stocktakes_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.stocktakes"), size="6"),
        rx.cond(
            S.message != "",
            rx.callout(S.message, color_scheme="red", id="stocktake-message", width="100%"),
        ),
        rx.cond(S.current_id > 0, _detail(), _list()),
        spacing="4",
        width="100%",
        id="stocktakes",
        data_loaded=S.loaded.to(str),
    )


stocktakes_page = console_page(stocktakes_body)
