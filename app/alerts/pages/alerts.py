"""The console's alerts page."""

from __future__ import annotations

import reflex as rx

from app.alerts.state.alerts import KINDS
from app.alerts.state.alerts import AlertsState as S
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table

STATUSES = ("unresolved", "open", "acknowledged", "resolved", "all")
HEADERS = (
    "alerts.col.time",
    "alerts.col.severity",
    "common.cabinet",
    "alerts.col.message",
    "alerts.col.count",
    "alerts.col.status",
)


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(
            rx.badge(
                rx.match(
                    row["severity"], ("critical", tr("alerts.critical")), tr("alerts.warning")
                ),
                color_scheme=rx.match(row["severity"], ("critical", "red"), "amber"),
            )
        ),
        rx.table.cell(row["cabinet"], class_name="alert-cabinet"),
        rx.table.cell(row["text"]),
        rx.table.cell(
            rx.cond(row["occurrences"].to(int) > 1, rx.text(row["occurrences"], tr("alerts.times")))
        ),
        rx.table.cell(
            rx.match(
                row["status"],
                (
                    "open",
                    rx.cond(
                        S.can_ack,
                        rx.button(
                            tr("alerts.ack"),
                            size="1",
                            variant="soft",
                            on_click=S.acknowledge(row["id"]),
                        ),
                        rx.badge(tr("alerts.status.open")),
                    ),
                ),
                ("acknowledged", rx.badge(tr("alerts.acknowledged"), color_scheme="gray")),
                rx.badge(tr("alerts.status.resolved"), color_scheme="green"),
            )
        ),
        class_name="alert-page-row",
    )


def alerts_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.alerts"), size="6"),
        rx.form(
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(id="alerts-status"),
                    rx.select.content(
                        *[rx.select.item(tr(f"alerts.status.{s}"), value=s) for s in STATUSES]
                    ),
                    name="status",
                    default_value=S.status,
                ),
                rx.select.root(
                    rx.select.trigger(id="alerts-kind"),
                    rx.select.content(
                        rx.select.item(tr("alerts.kind.all"), value="all"),
                        *[rx.select.item(tr(f"alerts.kind.{k}"), value=k) for k in KINDS],
                    ),
                    name="kind",
                    default_value=S.kind,
                ),
                rx.button(rx.icon("search", size=14), tr("common.filter"), type="submit"),
                wrap="wrap",
            ),
            on_submit=S.apply,
        ),
        data_table(
            HEADERS,
            S.rows,
            _row,
            "alerts-table",
            empty_key="alerts.none_matching",
        ),
        pager(S, "alerts"),
        spacing="4",
        width="100%",
        id="alerts",
        data_loaded=S.loaded.to(str),
    )


alerts_page = console_page(alerts_body)
