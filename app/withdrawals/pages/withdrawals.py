"""The console's withdrawals list page: filters, the page of rows, the detail drawer."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action, row_style
from app.withdrawals.pages.camera_evidence import camera_evidence
from app.withdrawals.state.withdrawals import WithdrawalsState as S


def _select(name: str, options: rx.Var, value: rx.Var, all_key: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"wd-{name}"),
        rx.select.content(
            rx.select.item(tr(all_key), value="all"),
            rx.foreach(options, lambda o: rx.select.item(o["name"], value=o["id"])),
        ),
        name=name,
        default_value=value,
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            _select("cabinet", S.cabinets, S.cabinet, "common.all_cabinets"),
            _select("department", S.departments, S.department, "withdrawals.all_departments"),
            rx.input(type="date", name="since", default_value=S.since, id="wd-since"),
            rx.text("—", color="gray"),
            rx.input(type="date", name="until", default_value=S.until, id="wd-until"),
            rx.select.root(
                rx.select.trigger(id="wd-order"),
                rx.select.content(
                    rx.select.item(tr("withdrawals.newest"), value="newest"),
                    rx.select.item(tr("withdrawals.oldest"), value="oldest"),
                ),
                name="order",
                default_value=S.order,
            ),
            rx.button(
                rx.icon("search", size=14), tr("common.filter"), type="submit", id="wd-apply"
            ),
            rx.cond(
                (S.person != "") | (S.item != ""),
                rx.badge(
                    tr("withdrawals.drilled"),
                    rx.icon("x", size=12),
                    on_click=S.clear_drill,
                    cursor="pointer",
                    id="wd-drilled",
                ),
            ),
            gap="0.75rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=S.apply,
        # filled from the URL on load (a report's drill-down): the fields show what is applied
        key=S.cabinet + S.department + S.since + S.until,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["person"]),
        rx.table.cell(row["department"]),
        rx.table.cell(row["cabinet"]),
        rx.table.cell(row["qty"]),
        rx.table.cell("¥", row["amount"]),
        rx.table.cell(
            rx.cond(
                row["status"] == "corrected",
                rx.badge(tr("withdrawals.corrected"), color_scheme="amber"),
            )
        ),
        rx.table.cell(row_action("table.view", S.open_detail(row["id"]), "wd-view")),
        on_click=S.open_detail(row["id"]),
        class_name="wd-row",
        **row_style(S.detail_open & (S.detail["id"].to(int) == row["id"])),
    )


def _detail() -> rx.Component:
    d = S.detail
    return rx.drawer.root(
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.heading(tr("withdrawals.detail"), " #", d["id"].to(str), size="4"),
                        rx.spacer(),
                        rx.icon_button(rx.icon("x"), variant="ghost", on_click=S.close_detail),
                        width="100%",
                    ),
                    rx.text(d["at"].to(str), " · ", d["cabinet"].to(str), color="gray", size="2"),
                    rx.text(d["person"].to(str), " · ", d["department"].to(str), size="2"),
                    rx.heading(tr("withdrawals.lines"), size="3"),
                    rx.foreach(
                        d["lines"].to(list[dict]),
                        lambda n: rx.hstack(
                            rx.text(n["item"]),
                            rx.spacer(),
                            rx.text("× ", n["qty"]),
                            rx.text("¥", n["amount"], width="6rem", text_align="right"),
                            width="100%",
                        ),
                    ),
                    rx.text(tr("withdrawals.total"), " ¥", d["amount"].to(str), weight="bold"),
                    rx.heading(tr("withdrawals.evidence"), size="3"),
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(tr("common.slot")),
                                rx.table.column_header_cell(tr("review.before")),
                                rx.table.column_header_cell(tr("review.after")),
                                rx.table.column_header_cell(tr("review.change")),
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                d["evidence"].to(list[dict]),
                                lambda e: rx.table.row(
                                    rx.table.cell(e["slot"]),
                                    rx.table.cell(e["before"], " g"),
                                    rx.table.cell(e["after"], " g"),
                                    rx.table.cell(e["change"], " g"),
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                    ),
                    camera_evidence(d, "wd-camera"),
                    spacing="3",
                    width="100%",
                    id="wd-detail",
                ),
                top="0",
                right="0",
                left="auto",
                height="100%",
                width="min(28rem, 100vw)",
                padding="1.5rem",
                background=rx.color("gray", 1),
                overflow_y="auto",
                z_index="50",
            )
        ),
        open=S.detail_open,
        direction="right",
        on_open_change=lambda opened: rx.cond(opened, rx.noop(), S.close_detail()),
    )


def withdrawals_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.withdrawals"), size="6"),
        _filters(),
        data_table(
            (
                "common.time",
                "withdrawals.person",
                "field.department",
                "common.cabinet",
                "withdrawals.qty",
                "withdrawals.amount",
                "",
                "table.actions",
            ),
            S.rows,
            _row,
            "wd-table",
            empty_key="withdrawals.none",
        ),
        rx.hstack(
            rx.button(
                tr("common.previous"),
                variant="soft",
                disabled=S.cursors.length() == 0,
                on_click=S.previous_page,
            ),
            rx.button(
                tr("common.next"),
                variant="soft",
                disabled=S.next_cursor == "",
                on_click=S.next_page,
                id="wd-next",
            ),
            justify="end",
            width="100%",
        ),
        _detail(),
        spacing="4",
        width="100%",
        id="withdrawals",
        data_loaded=S.loaded.to(str),
    )


withdrawals_page = console_page(withdrawals_body)
