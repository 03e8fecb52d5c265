"""The console's work orders page: the list, and an order's pick list with its actions."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table
from app.workorders.state import WorkOrdersState as S


def _status(status: rx.Var) -> rx.Component:
    return rx.badge(
        rx.match(
            status,
            ("open", tr("workorders.open")),
            ("assigned", tr("workorders.assigned")),
            ("in_progress", tr("workorders.in_progress")),
            ("done", tr("workorders.done")),
            tr("workorders.cancelled"),
        ),
        color_scheme=rx.match(
            status, ("open", "amber"), ("done", "green"), ("cancelled", "gray"), "blue"
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"]),
        rx.table.cell(row["title"]),
        rx.table.cell(row["cabinet"]),
        rx.table.cell(_status(row["status"])),
        rx.table.cell(row["assignee"]),
        rx.table.cell(row["closed"]),
        on_click=S.choose(row["id"]),
        cursor="pointer",
        class_name="wo-row",
        _hover={"background": rx.color("accent", 2)},
    )


def _staff_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=tr("workorders.assignee"), id="wo-staff"),
        rx.select.content(
            rx.foreach(S.staff, lambda s: rx.select.item(s["name"], value=s["id"])),
        ),
        name="staff",
    )


def _chosen() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(tr("workorders.pick_list"), " #", S.chosen, size="3"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("review.slot")),
                        rx.table.column_header_cell(tr("field.item")),
                        rx.table.column_header_cell(tr("workorders.requested")),
                        rx.table.column_header_cell(tr("workorders.done_qty")),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        S.picks,
                        lambda p: rx.table.row(
                            rx.table.cell(p["slot"]),
                            rx.table.cell(p["item"]),
                            rx.table.cell(p["requested"]),
                            rx.table.cell(p["done"]),
                        ),
                    )
                ),
                size="1",
                width="100%",
            ),
            rx.cond(
                S.can_write,
                rx.flex(
                    rx.form(
                        rx.hstack(
                            rx.select.root(
                                rx.select.trigger(
                                    placeholder=tr("workorders.assignee"), id="wo-staff"
                                ),
                                rx.select.content(
                                    rx.foreach(
                                        S.staff, lambda s: rx.select.item(s["name"], value=s["id"])
                                    )
                                ),
                                name="staff",
                            ),
                            rx.button(tr("workorders.assign"), type="submit", id="wo-assign"),
                        ),
                        on_submit=S.assign,
                    ),
                    rx.form(
                        rx.hstack(
                            rx.input(
                                name="reason", placeholder=tr("workorders.reason"), id="wo-reason"
                            ),
                            rx.button(
                                tr("workorders.cancel"),
                                type="submit",
                                color_scheme="red",
                                variant="soft",
                                id="wo-cancel",
                            ),
                        ),
                        on_submit=S.cancel,
                    ),
                    gap="1rem",
                    wrap="wrap",
                ),
            ),
            rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="wo-message")),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="wo-chosen",
    )


def workorders_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.workorders"), size="6"),
        rx.segmented_control.root(
            rx.segmented_control.item(tr("workorders.open"), value="open"),
            rx.segmented_control.item(tr("workorders.done"), value="done"),
            rx.segmented_control.item(tr("workorders.cancelled"), value="cancelled"),
            rx.segmented_control.item(tr("workorders.all"), value="all"),
            value=S.status,
            on_change=S.show,
            id="wo-status",
        ),
        rx.cond(S.chosen != 0, _chosen()),
        data_table(
            (
                "walls.created",
                "workorders.title",
                "withdrawals.cabinet",
                "people.status",
                "workorders.assignee",
                "workorders.closed",
            ),
            S.rows,
            _row,
            "wo-table",
        ),
        rx.cond(S.loaded & (S.rows.length() == 0), rx.text(tr("workorders.none"), color="gray")),
        pager(S, "wo"),
        spacing="4",
        width="100%",
        id="workorders",
        data_loaded=S.loaded.to(str),
    )


workorders_page = console_page(workorders_body)
