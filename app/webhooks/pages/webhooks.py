"""The webhooks page: the subscriptions with their dialog, a new secret shown once, and the
delivery log with its filter, one delivery opened and resent."""

from __future__ import annotations

import reflex as rx

from app.ui.dialog_list import row_dialog
from app.ui.forms import confirmed, labelled
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table
from app.webhooks.queries import STATUS_FILTERS
from app.webhooks.services.webhooks import EVENT_TYPES
from app.webhooks.state.webhooks import WebhooksState as S

STATUS_COLOURS = (
    ("delivered", "green"),
    ("needs_attention", "red"),
    ("cancelled", "gray"),
    "amber",
)
MONO = {"fontFamily": "monospace", "fontSize": "0.8rem", "whiteSpace": "pre-wrap"}


def _status(status: rx.Var) -> rx.Component:
    return rx.badge(
        rx.match(status, *[(s, tr(f"webhooks.status.{s}")) for s in STATUS_FILTERS], status),
        color_scheme=rx.match(status, *STATUS_COLOURS),
    )


def _check(name: str, label: rx.Component | str, checked: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, default_checked=checked),
        " ",
        label,
        style={"fontSize": "0.85rem", "marginRight": "0.75rem", "whiteSpace": "nowrap"},
    )


def _dialog() -> rx.Component:
    return row_dialog(
        S,
        titles=("webhooks.add", "webhooks.edit"),
        intro=rx.text(tr("webhooks.url_rule"), size="1", color="gray"),
        body=[
            labelled(
                "webhooks.field.name",
                rx.input(name="name", default_value=S.form["name"], id="webhook-name"),
            ),
            labelled(
                "webhooks.field.url",
                rx.input(name="url", default_value=S.form["url"], id="webhook-url", width="100%"),
            ),
            labelled(
                "webhooks.field.events",
                rx.flex(
                    *[_check(f"event_{e}", e, S.events.contains(e)) for e in EVENT_TYPES],
                    wrap="wrap",
                ),
            ),
            _check("is_active", tr("webhooks.field.is_active"), S.is_active),
        ],
        prefix="webhook",
        error_id="webhook-error",
        save_key="webhooks.save",
        max_width="36rem",
    )


def _secret_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("webhooks.secret_title")),
            rx.text(tr("webhooks.secret_once"), size="2"),
            rx.code(S.secret, id="webhook-secret", style={"wordBreak": "break-all"}),
            rx.hstack(
                rx.button(tr("webhooks.secret_done"), on_click=S.forget_secret),
                justify="end",
                margin_top="1rem",
            ),
            max_width="32rem",
        ),
        open=S.secret != "",
    )


def _subscription_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"], rx.text(row["tenant"], size="1", color="gray")),
        rx.table.cell(rx.text(row["url"], style={"wordBreak": "break-all"})),
        rx.table.cell(rx.text(row["events"], size="1")),
        rx.table.cell(rx.cond(row["active"], rx.icon("check", size=14), "—")),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    tr("webhooks.edit"), size="1", variant="soft", on_click=S.edit(row["id"])
                ),
                confirmed(
                    rx.button(tr("webhooks.rotate"), size="1", variant="soft"),
                    title_key="webhooks.rotate_title",
                    text_key="webhooks.rotate_text",
                    subject=row["name"],
                    confirm_key="webhooks.rotate",
                    on_confirm=S.rotate(row["id"]),
                    confirm_id="webhook-rotate-confirm",
                ),
                rx.cond(
                    row["active"],
                    confirmed(
                        rx.button(
                            tr("webhooks.disable"), size="1", variant="soft", color_scheme="red"
                        ),
                        title_key="webhooks.disable_title",
                        text_key="webhooks.disable_text",
                        subject=row["name"],
                        confirm_key="webhooks.disable",
                        on_confirm=S.disable(row["id"]),
                        confirm_id="webhook-disable-confirm",
                    ),
                ),
            )
        ),
        class_name="webhook-row",
    )


def _log_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["subscription"]),
        rx.table.cell(row["type"]),
        rx.table.cell(
            _status(row["status"]),
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color="red")),
        ),
        rx.table.cell(row["attempts"]),
        rx.table.cell(row["code"]),
        rx.table.cell(
            rx.button(tr("webhooks.open"), size="1", variant="soft", on_click=S.show(row["id"]))
        ),
        class_name="webhook-log-row",
    )


def _attempt_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["code"]),
        rx.table.cell(row["ms"]),
        rx.table.cell(
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color="red")),
            rx.text(row["response"], style=MONO),
        ),
    )


def _detail() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("webhooks.delivery"), " #", S.detail["id"]),
            rx.hstack(rx.text(S.detail["type"]), _status(S.detail["status"].to(str))),
            rx.text("Webhook-Id: ", S.detail["event_id"], size="1", color="gray"),
            rx.heading(tr("webhooks.payload"), size="3"),
            rx.box(rx.text(S.detail["body"], style=MONO), max_height="14rem", overflow="auto"),
            rx.heading(tr("webhooks.attempts"), size="3"),
            data_table(
                (
                    "webhooks.col.time",
                    "webhooks.col.code",
                    "webhooks.col.ms",
                    "webhooks.col.response",
                ),
                S.attempts,
                _attempt_row,
                "webhook-attempts",
                empty_key="webhooks.no_attempts",
            ),
            rx.hstack(
                rx.button(tr("webhooks.close"), variant="soft", on_click=S.hide),
                rx.button(
                    tr("webhooks.resend"), on_click=S.resend(S.detail["id"]), id="webhook-resend"
                ),
                justify="end",
                margin_top="1rem",
            ),
            max_width="52rem",
        ),
        open=S.detail.contains("id"),
    )


def webhooks_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("webhooks.title"), size="6"),
        rx.text(tr("webhooks.help"), size="2", color="gray"),
        rx.hstack(
            rx.heading(tr("webhooks.subscriptions"), size="4"),
            rx.button(
                rx.icon("plus", size=14),
                tr("webhooks.add"),
                size="1",
                on_click=S.start,
                id="webhook-new",
            ),
            align="center",
        ),
        data_table(
            (
                "webhooks.col.name",
                "webhooks.col.url",
                "webhooks.col.events",
                "webhooks.col.active",
                "webhooks.col.actions",
            ),
            S.subscriptions,
            _subscription_row,
            "webhook-table",
            empty_key="webhooks.empty",
        ),
        rx.hstack(
            rx.heading(tr("webhooks.log"), size="4"),
            rx.el.select(
                *[rx.el.option(tr(f"webhooks.status.{s}"), value=s) for s in STATUS_FILTERS],
                value=S.status_filter,
                on_change=S.filter_status,
                id="webhook-status-filter",
            ),
            align="center",
        ),
        data_table(
            (
                "webhooks.col.time",
                "webhooks.col.subscription",
                "webhooks.col.type",
                "webhooks.col.status",
                "webhooks.col.attempts",
                "webhooks.col.code",
                "",
            ),
            S.log,
            _log_row,
            "webhook-log",
            empty_key="webhooks.log_empty",
        ),
        _dialog(),
        _secret_dialog(),
        _detail(),
        spacing="4",
        width="100%",
        id="webhooks",
        data_loaded=S.loaded.to(str),
    )


webhooks_page = console_page(webhooks_body)
