"""The console's work orders page: the combined pick lists that have work on them (per cabinet
and per route), the list with its "查看" row action, and an order's pick list and actions."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import LocaleState, tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action
from app.workorders.state.workorders import WorkOrdersState as S

HEADERS = (
    "common.created",
    "workorders.title",
    "workorders.col.tenant",
    "workorders.col.cabinet",
    "workorders.col.site",
    "common.status",
    "workorders.assignee",
    "workorders.closed",
    "workorders.col.actions",
)


def in_locale(zh: rx.Var, en: rx.Var) -> rx.Var:
    """The English or the Chinese text of generated content, following the language switch."""
    return rx.cond(LocaleState.html_lang == "en", en, zh)


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


def _two_lines(first: rx.Var, second: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(first, size="2"),
        rx.text(second, size="1", color="gray"),
        spacing="0",
        min_width="7rem",
    )


def _view_button(row: rx.Var) -> rx.Component:
    """The explicit row action that opens an order's pick list and actions."""
    return row_action("workorders.view", S.choose(row["id"]), "wo-view")


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(
            in_locale(row["title_zh"], row["title_en"]), min_width="14rem", class_name="wo-title"
        ),
        rx.table.cell(row["tenant"]),
        rx.table.cell(_two_lines(row["cabinet"], row["cabinet_code"])),
        rx.table.cell(_two_lines(row["site"], row["address"])),
        rx.table.cell(_status(row["status"])),
        rx.table.cell(row["assignee"]),
        rx.table.cell(row["closed"], white_space="nowrap"),
        rx.table.cell(_view_button(row)),
        class_name="wo-row",
        background=rx.cond(S.chosen == row["id"], rx.color("accent", 3), "transparent"),
    )


def _card(row: rx.Var) -> rx.Component:
    """One order on a phone: the table's columns as lines of a card."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                _status(row["status"]),
                rx.text(row["created"], size="1", color="gray"),
                rx.spacer(),
                _view_button(row),
                width="100%",
                align="center",
            ),
            rx.text(
                in_locale(row["title_zh"], row["title_en"]),
                size="2",
                weight="medium",
                class_name="wo-title",
            ),
            rx.text(row["tenant"], " · ", row["cabinet"], " ", row["cabinet_code"], size="1"),
            rx.text(row["site"], " ", row["address"], " ", row["assignee"], size="1", color="gray"),
            spacing="1",
            width="100%",
        ),
        width="100%",
        class_name="wo-card",
    )


def _orders() -> rx.Component:
    """A table from tablets up, cards on phones; neither widens the page (`contain`)."""
    return rx.box(
        rx.mobile_only(
            rx.vstack(rx.foreach(S.rows, _card), spacing="2", width="100%", id="wo-cards")
        ),
        rx.tablet_and_desktop(
            data_table(HEADERS, S.rows, _row, "wo-table", empty_key="workorders.none")
        ),
        width="100%",
        contain="inline-size",
    )


def _link_chip(link: rx.Var, prefix: str) -> rx.Component:
    return rx.link(
        rx.badge(
            rx.text(link["name"], weight="medium"),
            rx.text(link["detail"], color="gray"),
            rx.text(link["orders"], " ", tr("workorders.open_suffix")),
            size="2",
            variant="surface",
            wrap="wrap",
            white_space="normal",
            gap="0.4rem",
        ),
        href=link["href"],
        class_name=f"{prefix}-link",
        underline="none",
    )


def _combined() -> rx.Component:
    def chips(label: str, links: rx.Var, prefix: str) -> rx.Component:
        return rx.flex(
            rx.text(tr(label), size="2", weight="bold", min_width="5rem"),
            rx.foreach(links, lambda link: _link_chip(link, prefix)),
            gap="0.5rem",
            wrap="wrap",
            align="center",
            id=prefix,
        )

    return rx.card(
        rx.vstack(
            rx.heading(tr("workorders.combined"), size="3"),
            rx.text(tr("workorders.combined_help"), size="1", color="gray"),
            rx.cond(
                S.cabinets.length() > 0,
                chips("workorders.by_cabinet", S.cabinets, "wo-pick-cabinet"),
                rx.text(tr("workorders.nothing_to_pick"), size="2", id="wo-pick-none"),
            ),
            rx.cond(S.routes.length() > 0, chips("workorders.by_route", S.routes, "wo-pick-route")),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="wo-combined",
    )


def _staff_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder=tr("workorders.assignee"), id="wo-staff"),
        rx.select.content(
            rx.foreach(S.staff, lambda s: rx.select.item(s["name"], value=s["id"])),
        ),
        name="staff",
    )


def _picks_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(tr("common.slot")),
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
        overflow_x="auto",
        contain="inline-size",
        width="100%",
    )


def _actions() -> rx.Component:
    startable = (S.chosen_status == "open") | (S.chosen_status == "assigned")
    is_open = startable | (S.chosen_status == "in_progress")
    return rx.cond(
        S.can_write & is_open,
        rx.flex(
            rx.cond(
                startable,
                rx.button(tr("workorders.start"), on_click=S.start, id="wo-start"),
            ),
            rx.button(
                tr("workorders.finish"), on_click=S.finish, color_scheme="green", id="wo-finish"
            ),
            rx.form(
                rx.hstack(
                    _staff_select(),
                    rx.button(
                        tr("workorders.assign"), type="submit", variant="soft", id="wo-assign"
                    ),
                ),
                on_submit=S.assign,
            ),
            rx.form(
                rx.hstack(
                    rx.input(name="reason", placeholder=tr("workorders.reason"), id="wo-reason"),
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
            align="center",
        ),
    )


def _chosen() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(tr("workorders.pick_list"), " #", S.chosen, size="3"),
                rx.spacer(),
                rx.button(
                    tr("workorders.close_detail"),
                    variant="ghost",
                    size="1",
                    on_click=S.close_detail,
                    id="wo-close",
                ),
                width="100%",
                align="center",
            ),
            rx.text(in_locale(S.chosen_title["zh"], S.chosen_title["en"]), size="2"),
            _picks_table(),
            _actions(),
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
        rx.cond(S.loaded, _combined()),
        rx.box(
            rx.segmented_control.root(
                rx.segmented_control.item(tr("workorders.open"), value="open"),
                rx.segmented_control.item(tr("workorders.done"), value="done"),
                rx.segmented_control.item(tr("workorders.cancelled"), value="cancelled"),
                rx.segmented_control.item(tr("common.all"), value="all"),
                value=S.status,
                on_change=S.show,
                size=rx.breakpoints(initial="1", sm="2"),
                id="wo-status",
            ),
            max_width="100%",
            overflow_x="auto",
            contain="inline-size",
            width="100%",
        ),
        rx.cond(S.chosen != 0, _chosen()),
        _orders(),
        pager(S, "wo"),
        spacing="4",
        width="100%",
        id="workorders",
        data_loaded=S.loaded.to(str),
    )


workorders_page = console_page(workorders_body)
