"""The console's wall displays page (`/walls`, `wall:manage`): create a display — its URL is
shown once —, see when each screen was last seen, revoke one (its screen goes dark at once)."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table
from app.wall.state.walls import WallsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(row["created"]),
        rx.table.cell(row["seen"]),
        rx.table.cell(
            rx.cond(
                row["live"],
                rx.badge(tr("walls.live"), color_scheme="green"),
                rx.badge(tr("walls.revoked"), color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                row["live"],
                rx.button(
                    tr("walls.revoke"),
                    size="1",
                    color_scheme="red",
                    variant="soft",
                    on_click=WallsState.revoke(row["id"]),
                    class_name="wall-revoke",
                ),
            )
        ),
        class_name="wall-row",
    )


def walls_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.walls"), size="6"),
        rx.text(tr("walls.explain"), size="2", color=rx.color("gray", 11)),
        rx.form(
            rx.hstack(
                rx.input(name="name", placeholder=tr("walls.name"), id="wall-name", required=True),
                rx.select.root(
                    rx.select.trigger(placeholder=tr("walls.lang"), id="wall-lang"),
                    rx.select.content(
                        rx.select.item(tr("walls.lang_tenant"), value="tenant"),
                        rx.select.item("中文", value="zh-CN"),
                        rx.select.item("English", value="en"),
                    ),
                    name="lang",
                    default_value="tenant",
                ),
                rx.button(
                    rx.icon("plus", size=14), tr("walls.create"), type="submit", id="wall-create"
                ),
            ),
            on_submit=WallsState.create,
            reset_on_submit=True,
        ),
        rx.cond(WallsState.message != "", rx.callout(WallsState.message, color_scheme="red")),
        rx.cond(
            WallsState.new_url != "",
            rx.callout(
                rx.vstack(
                    rx.text(tr("walls.url_once"), weight="bold"),
                    rx.code(WallsState.new_url, id="wall-url", size="3"),
                ),
                icon="monitor",
                color_scheme="green",
                width="100%",
            ),
        ),
        data_table(
            ("walls.name", "common.created", "walls.seen", "common.status", ""),
            WallsState.rows,
            _row,
            "walls-table",
        ),
        spacing="4",
        width="100%",
        id="walls",
        data_loaded=WallsState.loaded.to(str),
    )


walls_page = console_page(walls_body)
