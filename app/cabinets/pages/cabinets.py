"""The console's cabinets page: the fleet, one cabinet's slots, its life (pages/lifecycle.py)
and commands."""

from __future__ import annotations

import reflex as rx

from app.cabinets.pages.camera import camera_section
from app.cabinets.pages.lifecycle import (
    lifecycle_badge,
    lifecycle_panel,
    plan_panel,
    register_panel,
)
from app.cabinets.state.cabinets import CabinetsState as S
from app.cabinets.state.camera import CameraRegionsState as C
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action, row_style

COMMAND_KINDS = (
    "unlock",
    "lock",
    "push_config",
    "sync_lease",
    "tare",
    "reboot",
    "reread",
    "auth_result",
)
REFUSALS = (
    "bad_json",
    "schema",
    "wrong_topic",
    "bad_signature",
    "stale_timestamp",
    "replayed_nonce",
    "unstorable",
)
COMMAND_STATUSES = ("pending", "sent", "acked", "succeeded", "failed", "expired")


def _words(group: str, value: rx.Var, values: tuple[str, ...]) -> rx.Var:
    """A command's kind or delivery state in the reader's language."""
    return rx.match(value, *[(v, tr(f"command.{group}.{v}")) for v in values], value)


def _status(status: rx.Var, **props) -> rx.Component:
    return rx.badge(
        rx.match(
            status,
            ("open", tr("wall.door_open")),
            ("offline", tr("wall.offline")),
            ("never", tr("wall.never_connected")),
            tr("wall.online"),
        ),
        color_scheme=rx.match(
            status, ("open", "amber"), ("offline", "red"), ("never", "gray"), "green"
        ),
        data_status=status,
        **props,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"]), rx.text(row["code"], size="1", color="gray")),
        rx.table.cell(row["model"]),
        rx.table.cell(rx.hstack(_status(row["status"]), lifecycle_badge(row["lifecycle"]))),
        rx.table.cell(row["heartbeat"]),
        rx.table.cell(
            rx.cond(row["low"] > 0, rx.badge(row["low"], color_scheme="red"), rx.text("0"))
        ),
        rx.table.cell(
            row_action("table.view", [S.choose(row["id"]), C.show(row["id"])], "cab-view")
        ),
        on_click=[S.choose(row["id"]), C.show(row["id"])],
        class_name="cab-row",
        **row_style(S.chosen == row["id"]),
    )


def _slot(slot: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(slot["slot"]),
        rx.table.cell(
            rx.cond(
                S.can_write,
                rx.form(
                    rx.hstack(
                        rx.el.input(type="hidden", name="entry", value=slot["id"].to(str)),
                        rx.select.root(
                            rx.select.trigger(width="14rem", class_name="slot-item"),
                            rx.select.content(
                                rx.foreach(
                                    S.items, lambda i: rx.select.item(i["name"], value=i["id"])
                                )
                            ),
                            name="item",
                            default_value=slot["item_id"].to(str),
                        ),
                        rx.button(
                            tr("cabinets.change_item"), size="1", variant="soft", type="submit"
                        ),
                        align="center",
                    ),
                    on_submit=S.set_item,
                    key=slot["id"].to(str) + slot["item_id"].to(str),
                ),
                rx.text(slot["item"]),
            )
        ),
        rx.table.cell(
            rx.text(
                slot["quantity"],
                weight="bold",
                color=rx.cond(slot["low"], rx.color("red", 11), rx.color("teal", 11)),
            )
        ),
        rx.table.cell(
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="entry", value=slot["id"].to(str)),
                    rx.input(name="min", default_value=slot["min"].to(str), width="4.5rem"),
                    rx.input(name="par", default_value=slot["par"].to(str), width="4.5rem"),
                    rx.cond(
                        S.can_write,
                        rx.button(tr("cabinets.save"), size="1", variant="soft", type="submit"),
                    ),
                    align="center",
                ),
                on_submit=S.set_levels,
                class_name="levels-form",
            )
        ),
        class_name="slot-row",
    )


def _commands() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("cabinets.commands"), size="3"),
        rx.cond(
            S.can_command,
            rx.flex(
                rx.form(
                    rx.hstack(
                        rx.select.root(
                            rx.select.trigger(placeholder=tr("common.slot"), id="cab-tare-slot"),
                            rx.select.content(
                                rx.foreach(
                                    S.slots, lambda s: rx.select.item(s["slot"], value=s["slot"])
                                )
                            ),
                            name="slot",
                        ),
                        rx.button(
                            tr("cabinets.tare"), type="submit", variant="soft", id="cab-tare"
                        ),
                    ),
                    on_submit=S.tare,
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="who",
                            placeholder=tr("cabinets.unlock_for"),
                            id="cab-unlock-who",
                            width="12rem",
                        ),
                        rx.button(
                            rx.icon("lock-open", size=14),
                            tr("cabinets.unlock"),
                            type="submit",
                            variant="soft",
                            id="cab-unlock",
                        ),
                    ),
                    on_submit=S.unlock,
                    reset_on_submit=True,
                ),
                rx.cond(
                    S.can_restock,
                    rx.button(
                        rx.icon("package-plus", size=14),
                        tr("cabinets.restock"),
                        on_click=S.restock,
                        id="cab-restock",
                    ),
                ),
                rx.button(
                    tr("cabinets.lease"), variant="soft", on_click=S.send_lease, id="cab-lease"
                ),
                rx.button(
                    tr("cabinets.reboot"), variant="soft", color_scheme="red", on_click=S.reboot
                ),
                rx.button(rx.icon("refresh-cw", size=14), variant="ghost", on_click=S.refresh),
                gap="0.75rem",
                wrap="wrap",
            ),
        ),
        rx.table.root(
            rx.table.body(
                rx.foreach(
                    S.commands,
                    lambda c: rx.table.row(
                        rx.table.cell(c["at"]),
                        rx.table.cell(_words("kind", c["kind"], COMMAND_KINDS)),
                        rx.table.cell(
                            rx.badge(
                                _words("status", c["status"], COMMAND_STATUSES),
                                color_scheme=rx.match(
                                    c["status"],
                                    ("succeeded", "green"),
                                    ("failed", "red"),
                                    ("expired", "red"),
                                    "gray",
                                ),
                            )
                        ),
                        rx.table.cell(c["attempts"]),
                        rx.table.cell(c["error"]),
                        class_name="command-row",
                    ),
                )
            ),
            size="1",
            width="100%",
            id="cab-commands",
        ),
        width="100%",
    )


def _refusals() -> rx.Component:
    """What the gateway refused from this cabinet, per reason, with the last refused copy."""
    return rx.vstack(
        rx.heading(tr("cabinets.refusals"), size="3"),
        rx.cond(
            S.refusals.length() == 0,
            rx.text(tr("cabinets.refusals_none"), color_scheme="gray", size="2"),
        ),
        rx.foreach(
            S.refusals,
            lambda r: rx.box(
                rx.hstack(
                    rx.badge(
                        rx.match(
                            r["code"], *[(c, tr(f"refusal.{c}")) for c in REFUSALS], r["code"]
                        ),
                        color_scheme="red",
                    ),
                    rx.text("× ", r["count"], weight="bold"),
                    rx.text(tr("cabinets.refusal_last"), ": ", r["last_at"], size="1"),
                    align="center",
                ),
                rx.code(r["payload"], size="1", class_name="refused-copy"),
                class_name="refusal-row",
                data_code=r["code"],
                width="100%",
            ),
        ),
        width="100%",
        id="cab-refusals",
    )


def _scales() -> rx.Component:
    """Each scale's noise model in words (indicator, σ, division, drift, learned or defaults)."""
    return rx.cond(
        S.scales.length() > 0,
        rx.vstack(
            rx.text(tr("cabinets.scales"), weight="medium"),
            rx.foreach(S.scales, _scale),
            spacing="1",
            id="cab-scales",
        ),
    )


def _scale(scale: rx.Var) -> rx.Component:
    """One scale's model in words and, with `cabinet:write`, the indicator it is wired to."""
    return rx.hstack(
        rx.cond(
            S.can_write,
            rx.select.root(
                rx.select.trigger(width="12rem", class_name="cab-indicator"),
                rx.select.content(
                    rx.foreach(S.indicators, lambda i: rx.select.item(i["name"], value=i["id"]))
                ),
                value=scale["indicator"],
                on_change=lambda value: S.set_indicator(scale["slot_id"], value),
                size="1",
            ),
        ),
        rx.text(scale["text"], size="2"),
        class_name="cab-scale",
        data_slot=scale["slot"],
        align="center",
    )


def _chosen() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(S.chosen_name, size="4", id="cab-chosen-name"),
                _status(S.chosen_status, id="cab-chosen-status"),
                align="center",
            ),
            rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="cab-message")),
            rx.cond(S.notice != "", rx.callout(S.notice, color_scheme="green", id="cab-notice")),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("common.slot")),
                        rx.table.column_header_cell(tr("field.item")),
                        rx.table.column_header_cell(tr("stock.quantity")),
                        rx.table.column_header_cell(tr("stock.min_par")),
                    )
                ),
                rx.table.body(rx.foreach(S.slots, _slot)),
                size="1",
                width="100%",
                id="cab-slots",
            ),
            plan_panel(),
            _scales(),
            camera_section(),
            lifecycle_panel(),
            _commands(),
            _refusals(),
            spacing="4",
            width="100%",
        ),
        width="100%",
        id="cab-chosen",
    )


def cabinets_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.cabinets"), size="6"),
        register_panel(),
        rx.form(
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="cab-status"),
                    rx.select.content(
                        rx.select.item(tr("common.all"), value="all"),
                        rx.select.item(tr("wall.online"), value="online"),
                        rx.select.item(tr("wall.door_open"), value="open"),
                        rx.select.item(tr("wall.offline"), value="offline"),
                        rx.select.item(tr("cabinets.status_retired"), value="retired"),
                    ),
                    name="status",
                    default_value=S.status,
                ),
                rx.input(name="search", placeholder=tr("cabinets.search"), default_value=S.search),
                rx.button(rx.icon("search", size=14), tr("common.filter"), type="submit"),
                gap="0.75rem",
                wrap="wrap",
            ),
            on_submit=S.apply,
        ),
        data_table(
            (
                "common.cabinet",
                "cabinets.model",
                "common.status",
                "cabinets.heartbeat",
                "wall.low_slots",
                "table.actions",
            ),
            S.rows,
            _row,
            "cab-table",
        ),
        pager(S, "cab"),
        rx.cond(S.chosen != 0, _chosen()),
        spacing="4",
        width="100%",
        id="cabinets",
        data_loaded=S.loaded.to(str),
    )


cabinets_page = console_page(cabinets_body)
