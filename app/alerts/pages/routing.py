"""The alert routing page: the rules with their dialog, and the delivery log."""

from __future__ import annotations

import reflex as rx

from app.alerts.state.routing import RoutingState as S
from app.notify.services.rules import ALERT_KINDS
from app.ui.dialog_list import row_dialog
from app.ui.forms import NATIVE_SELECT, confirmed, labelled
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table

CHANNELS = ("wecom", "dingtalk", "feishu", "email", "sms")
SEVERITIES = ("info", "warning", "critical")
CHANNEL_KEYS = {c: f"routing.channel.{c}" for c in CHANNELS}
SEVERITY_KEYS = {s: f"routing.severity.{s}" for s in SEVERITIES}
STATUS_COLOURS = (("sent", "green"), ("failed", "red"), ("cancelled", "gray"), "amber")


def _select(name: str, options: dict[str, str], select_id: str) -> rx.Component:
    """A native select of `options` (value: translation key)."""
    return rx.el.select(
        *[rx.el.option(tr(key), value=value) for value, key in options.items()],
        name=name,
        default_value=S.form[name],
        id=select_id,
        style=NATIVE_SELECT,
    )


def _text(name: str, input_id: str) -> rx.Component:
    return rx.input(name=name, id=input_id, default_value=S.form[name], width="100%")


def _check(name: str, label_key: str, checked: rx.Var, class_name: str = "") -> rx.Component:
    return rx.el.label(
        rx.el.input(type="checkbox", name=name, default_checked=checked, class_name=class_name),
        " ",
        tr(label_key),
        style={"fontSize": "0.85rem", "marginRight": "0.75rem", "whiteSpace": "nowrap"},
    )


def _dialog() -> rx.Component:
    return row_dialog(
        S,
        titles=("routing.add", "routing.edit"),
        intro=rx.text(tr("routing.help"), size="1", color="gray"),
        body=[
            labelled("routing.field.name", _text("name", "route-name")),
            labelled(
                "routing.col.kinds",
                rx.flex(
                    *[
                        _check(
                            f"kind_{k}",
                            f"routing.kind_of.{k}",
                            S.kinds.contains(k),
                            "route-kind",
                        )
                        for k in ALERT_KINDS
                    ],
                    wrap="wrap",
                ),
            ),
            labelled(
                "routing.field.min_severity",
                _select("min_severity", SEVERITY_KEYS, "route-severity"),
            ),
            labelled(
                "routing.field.channel",
                _select("channel", CHANNEL_KEYS, "route-channel"),
            ),
            labelled("routing.field.target", _text("target", "route-target")),
            labelled(
                "routing.field.secret",
                rx.input(name="secret", id="route-secret", width="100%"),
            ),
            rx.hstack(
                labelled("routing.field.quiet_start", _text("quiet_start", "route-qs")),
                labelled("routing.field.quiet_end", _text("quiet_end", "route-qe")),
                width="100%",
            ),
            _check("critical_in_quiet", "routing.field.critical_in_quiet", S.critical_in_quiet),
            labelled(
                "routing.field.escalate_after",
                _text("escalate_after", "route-escalate-after"),
            ),
            rx.hstack(
                labelled(
                    "routing.field.escalate_channel",
                    _select("escalate_channel", CHANNEL_KEYS, "route-escalate-channel"),
                ),
                labelled(
                    "routing.field.escalate_target",
                    _text("escalate_target", "route-escalate-target"),
                ),
                width="100%",
            ),
            labelled(
                "routing.field.escalate_secret",
                rx.input(name="escalate_secret", id="route-escalate-secret", width="100%"),
            ),
            _check("is_active", "routing.field.active", S.is_active),
        ],
        prefix="route",
        error_id="route-error",
        save_key="routing.save",
        max_width="36rem",
    )


def _route_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"], rx.text(row["tenant"], size="1", color="gray")),
        rx.table.cell(row["kinds"]),
        rx.table.cell(
            rx.match(
                row["min_severity"],
                *[(s, tr(f"routing.severity.{s}")) for s in SEVERITIES],
                row["min_severity"],
            )
        ),
        rx.table.cell(
            rx.match(
                row["channel"], *[(c, tr(f"routing.channel.{c}")) for c in CHANNELS], row["channel"]
            ),
            rx.text(row["target"], size="1", color="gray"),
        ),
        rx.table.cell(row["quiet"]),
        rx.table.cell(row["escalation"]),
        rx.table.cell(rx.cond(row["active"], rx.icon("check", size=14), "—")),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    tr("routing.edit"),
                    size="1",
                    variant="soft",
                    on_click=S.edit(row["id"]),
                    class_name="route-edit",
                ),
                confirmed(
                    rx.button(
                        tr("routing.delete"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        class_name="route-delete",
                    ),
                    title_key="routing.delete_title",
                    text_key="routing.delete_text",
                    subject=row["name"],
                    confirm_key="routing.delete",
                    on_confirm=S.delete(row["id"]),
                    confirm_id="route-delete-confirm",
                ),
            )
        ),
        class_name="route-row",
    )


def _log_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["at"]),
        rx.table.cell(row["route"]),
        rx.table.cell(row["alert"]),
        rx.table.cell(
            rx.match(
                row["kind"],
                *[(k, tr(f"routing.kind.{k}")) for k in ("raised", "escalated", "resolved")],
                row["kind"],
            )
        ),
        rx.table.cell(
            rx.match(
                row["channel"], *[(c, tr(f"routing.channel.{c}")) for c in CHANNELS], row["channel"]
            )
        ),
        rx.table.cell(
            rx.badge(
                rx.match(
                    row["status"],
                    *[(s, tr(f"routing.status.{s}")) for s in ("sent", "failed", "cancelled")],
                    tr("routing.status.pending"),
                ),
                color_scheme=rx.match(row["status"], *STATUS_COLOURS),
            ),
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color="red")),
        ),
        rx.table.cell(row["attempts"]),
        class_name="route-log-row",
    )


def routing_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("routing.title"), size="6"),
            rx.link(tr("routing.back"), href="/alerts", size="2"),
            align="baseline",
            spacing="4",
        ),
        rx.text(tr("routing.help"), size="2", color="gray"),
        rx.hstack(
            rx.heading(tr("routing.rules"), size="4"),
            rx.button(
                rx.icon("plus", size=14),
                tr("routing.add"),
                size="1",
                on_click=S.start,
                id="route-new",
            ),
            align="center",
        ),
        data_table(
            (
                "routing.col.name",
                "routing.col.kinds",
                "routing.col.min_severity",
                "routing.col.channel",
                "routing.col.quiet",
                "routing.col.escalation",
                "routing.col.active",
                "routing.col.actions",
            ),
            S.routes,
            _route_row,
            "route-table",
            empty_key="routing.empty",
        ),
        rx.heading(tr("routing.log"), size="4"),
        data_table(
            (
                "routing.col.time",
                "routing.col.rule",
                "routing.col.alert",
                "routing.col.kind",
                "routing.col.channel",
                "routing.col.status",
                "routing.col.attempts",
            ),
            S.log,
            _log_row,
            "route-log",
            empty_key="routing.log_empty",
        ),
        _dialog(),
        spacing="4",
        width="100%",
        id="routing",
        data_loaded=S.loaded.to(str),
    )


routing_page = console_page(routing_body)
