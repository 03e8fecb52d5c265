"""The console's approvals page: requests (waiting / decided / all) and the tenant's flows."""

from __future__ import annotations

import reflex as rx

from app.approvals.pages.flows import flows_section
from app.approvals.state.approvals import ApprovalsState as S
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table

STATUSES = ("pending", "approved", "rejected", "used", "expired")


def _status(status: rx.Var) -> rx.Component:
    return rx.badge(
        rx.match(status, *[(s, tr(f"approvals.status.{s}")) for s in STATUSES], status),
        color_scheme=rx.match(
            status, ("pending", "amber"), ("approved", "green"), ("rejected", "red"), "gray"
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["requester"]),
        rx.table.cell(row["flow"], rx.text(row["step"], size="1", color="gray")),
        rx.table.cell(row["item"], rx.cond(row["item"] != "", rx.text(" × ", row["quantity"]))),
        rx.table.cell(
            rx.text(row["reason"], size="2"), rx.text(row["comment"], size="1", color="gray")
        ),
        rx.table.cell(_status(row["status"])),
        rx.table.cell(
            rx.cond(
                row["mine"].to(bool),
                rx.hstack(
                    rx.button(
                        tr("me.approve"),
                        size="1",
                        on_click=S.decide(row["id"], "approve"),
                        class_name="approve",
                    ),
                    rx.button(
                        tr("me.reject"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=S.decide(row["id"], "reject"),
                    ),
                ),
            )
        ),
        class_name="request-row",
    )


def approvals_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.approvals"), size="6"),
        rx.segmented_control.root(
            rx.segmented_control.item(tr("approvals.waiting"), value="pending"),
            rx.segmented_control.item(tr("approvals.decided"), value="decided"),
            rx.segmented_control.item(tr("common.all"), value="all"),
            value=S.status,
            on_change=S.show,
        ),
        rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="approval-message")),
        data_table(
            (
                "common.time",
                "approvals.requester",
                "approvals.flow",
                "field.item",
                "approvals.reason",
                "common.status",
                "",
            ),
            S.rows,
            _row,
            "approval-table",
            empty_key="approvals.none",
        ),
        pager(S, "approvals"),
        flows_section(),
        spacing="4",
        width="100%",
        id="approvals",
        data_loaded=S.loaded.to(str),
    )


approvals_page = console_page(approvals_body)
