"""The reports page's subscriptions: the dialog and one's list with the latest outcome."""

from __future__ import annotations

import reflex as rx

from app.reports.state.subscriptions import SubscriptionsState as S
from app.ui.forms import NATIVE_SELECT, dialog_buttons, form_error, labelled
from app.ui.locale import tr
from app.ui.tables import data_table

KINDS = ("day", "week", "month")
CHANNELS = ("email", "wecom", "dingtalk", "feishu")


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("subs.new")),
            rx.text(tr("subs.explain"), size="2", color="gray"),
            rx.form(
                rx.vstack(
                    labelled(
                        "subs.field.period",
                        rx.el.select(
                            *[rx.el.option(tr(f"subs.kind.{k}"), value=k) for k in KINDS],
                            name="kind",
                            default_value="week",
                            id="sub-kind",
                            style=NATIVE_SELECT,
                        ),
                    ),
                    labelled(
                        "subs.field.channel",
                        rx.el.select(
                            *[rx.el.option(tr(f"subs.channel.{c}"), value=c) for c in CHANNELS],
                            name="channel",
                            default_value="email",
                            id="sub-channel",
                            style=NATIVE_SELECT,
                        ),
                    ),
                    labelled(
                        "subs.field.target", rx.input(name="target", id="sub-target", width="100%")
                    ),
                    labelled(
                        "subs.field.secret", rx.input(name="secret", id="sub-secret", width="100%")
                    ),
                    form_error(S.message, "sub-error"),
                    dialog_buttons(S.close, "subs.save", "sub-save"),
                    spacing="3",
                ),
                on_submit=S.subscribe,
                reset_on_submit=False,
            ),
            max_width="30rem",
        ),
        open=S.open,
    )


def _status(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            row["status"] != "",
            rx.badge(
                rx.match(
                    row["status"],
                    ("sent", tr("subs.status.sent")),
                    ("failed", tr("subs.status.failed")),
                    tr("subs.status.pending"),
                ),
                " · ",
                row["period"],
                color_scheme=rx.match(row["status"], ("sent", "green"), ("failed", "red"), "amber"),
            ),
            rx.text(tr("subs.status.none"), size="1", color="gray"),
        ),
        rx.cond(
            row["error"] != "", rx.text(row["error"], size="1", color="red", class_name="sub-error")
        ),
        spacing="1",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.match(row["kind"], *[(k, tr(f"subs.kind.{k}")) for k in KINDS], row["kind"])
        ),
        rx.table.cell(
            rx.match(
                row["channel"], *[(c, tr(f"subs.channel.{c}")) for c in CHANNELS], row["channel"]
            ),
            rx.text(row["target"], size="1", color="gray"),
        ),
        rx.table.cell(row["next"]),
        rx.table.cell(_status(row)),
        rx.table.cell(
            rx.switch(
                checked=row["active"].to(bool),
                on_change=lambda on: S.toggle(row["id"], on),
                class_name="sub-active",
            )
        ),
        class_name="sub-row",
    )


def subscriptions_section() -> rx.Component:
    return rx.cond(
        S.allowed,
        rx.vstack(
            rx.hstack(
                rx.heading(tr("subs.title"), size="4"),
                rx.button(
                    rx.icon("bell-plus", size=14),
                    tr("subs.new"),
                    size="1",
                    on_click=S.start,
                    id="sub-new",
                ),
                align="center",
            ),
            rx.cond(
                S.rows.length() > 0,
                data_table(
                    (
                        "subs.field.period",
                        "subs.field.channel",
                        "subs.next",
                        "subs.latest",
                        "subs.on",
                    ),
                    S.rows,
                    _row,
                    "sub-table",
                ),
            ),
            _dialog(),
            width="100%",
        ),
    )
