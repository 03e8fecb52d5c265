"""The combined pick list page: one sheet per cabinet (slot, item, quantity needed), and for a
route the load totals first; a print button (the print shows the sheet alone) and exports."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.shell import console_page
from app.workorders.state.picklist import PicklistState as S

# printing shows the sheet alone, whatever shell surrounds it
PRINT_CSS = """
@media print {
  body * { visibility: hidden; }
  #picklist-sheet, #picklist-sheet * { visibility: visible; }
  #picklist-sheet { position: absolute; left: 0; top: 0; width: 100%; }
  .no-print { display: none !important; }
}
"""


def _table(headers: tuple[str, ...], rows: rx.Var, cells, table_id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(k)) for k in headers])),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*cells(r)))),
            size="1",
            width="100%",
            variant="surface",
        ),
        overflow_x="auto",
        contain="inline-size",
        width="100%",
        id=table_id,
    )


def _stop(stop: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(stop["cabinet"], size="3"),
            rx.code(stop["code"]),
            rx.text(stop["tenant"], size="1", color="gray"),
            wrap="wrap",
            align="center",
        ),
        rx.text(stop["site"], " ", stop["address"], size="1", color="gray"),
        _table(
            (
                "workorders.col.slot",
                "workorders.col.item",
                "workorders.col.sku",
                "workorders.col.quantity",
                "workorders.col.unit",
                "workorders.col.orders",
            ),
            stop["rows"],
            lambda r: (
                rx.table.cell(r["slot"]),
                rx.table.cell(r["item"]),
                rx.table.cell(r["sku"]),
                rx.table.cell(rx.text(r["quantity"], weight="bold"), class_name="pick-qty"),
                rx.table.cell(r["unit"]),
                rx.table.cell(r["orders"]),
            ),
            "",
        ),
        spacing="2",
        width="100%",
        class_name="pick-stop",
    )


def _totals() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("workorders.totals"), size="3"),
        rx.text(tr("workorders.totals_help"), size="1", color="gray"),
        _table(
            (
                "workorders.col.item",
                "workorders.col.sku",
                "workorders.col.quantity",
                "workorders.col.unit",
            ),
            S.totals,
            lambda r: (
                rx.table.cell(r["item"]),
                rx.table.cell(r["sku"]),
                rx.table.cell(rx.text(r["quantity"], weight="bold")),
                rx.table.cell(r["unit"]),
            ),
            "pick-totals",
        ),
        spacing="2",
        width="100%",
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.button(
            rx.icon("printer", size=16),
            tr("workorders.print"),
            on_click=rx.call_script("window.print()"),
            id="pick-print",
        ),
        rx.button(
            rx.icon("sheet", size=16),
            tr("workorders.export_xlsx"),
            variant="soft",
            on_click=S.export("xlsx"),
            id="pick-xlsx",
        ),
        rx.button(
            rx.icon("download", size=16),
            tr("workorders.export_csv"),
            variant="soft",
            on_click=S.export("csv"),
            id="pick-csv",
        ),
        gap="0.5rem",
        wrap="wrap",
        class_name="no-print",
    )


def _sheet() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("workorders.picklist_for").replace("{name}", S.name), size="5"),
        rx.text(S.detail, color="gray", size="2"),
        rx.text(
            tr("workorders.generated")
            .replace("{time}", S.generated)
            .replace("{orders}", S.orders.to(str)),
            size="1",
            color="gray",
            id="pick-generated",
        ),
        rx.cond(
            S.stops.length() == 0,
            rx.callout(tr("workorders.nothing_to_pick"), icon="info", id="pick-empty"),
            rx.vstack(
                rx.cond(S.kind == "route", _totals()),
                rx.foreach(S.stops, _stop),
                spacing="5",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
        id="picklist-sheet",
    )


def picklist_body() -> rx.Component:
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        rx.hstack(
            rx.link(
                rx.icon("arrow-left", size=16),
                tr("workorders.back"),
                href="/workorders",
                id="pick-back",
                display="flex",
                align_items="center",
                gap="0.25rem",
            ),
            class_name="no-print",
        ),
        rx.cond(
            S.kind == "",
            rx.cond(S.loaded, rx.callout(tr("workorders.pick_target_missing"), icon="info")),
            rx.vstack(_toolbar(), _sheet(), spacing="3", width="100%"),
        ),
        spacing="3",
        width="100%",
        id="picklist",
        data_loaded=S.loaded.to(str),
    )


picklist_page = console_page(picklist_body)
