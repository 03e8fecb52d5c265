"""The console's wall displays page (`/walls`, `wall:manage`): create a display — its URL is
shown once —, see when each screen was last seen, revoke one (its screen goes dark at once)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from sqlmodel import col

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import LOCALES, t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.locale import tr
from app.ui.payload import as_id
from app.ui.session import actor_of, require, working_tenant
from app.ui.shell import console_page
from app.ui.tables import data_table
from app.wall import service
from app.wall.models import WallDisplay


class DisplayRow(TypedDict):
    id: int
    name: str
    created: str
    seen: str
    live: bool


class WallsState(rx.State):
    rows: list[DisplayRow] = []
    new_url: str = ""  # the URL of the display just created: shown once
    message: str = ""
    loaded: bool = False

    async def _load(self) -> None:
        principal = await require(self, "wall:manage")

        def read(session):
            displays = service.list_displays(session=session, scope=principal.scope)
            return displays, scope_timezone(session=session, scope=principal.scope)

        displays, timezone = await run_in_session(read)
        self.rows = display_rows(displays, timezone)
        self.loaded = True

    @rx.event
    @guarded("wall:manage")
    async def load(self) -> None:
        self.new_url, self.message = "", ""
        await self._load()

    @rx.event
    @guarded("wall:manage")
    async def create(self, form: dict) -> None:
        principal = caller().principal
        try:
            _, token = await run_in_session(
                service.create_display,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                name=str(form.get("name", ""))[:80],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message = t(refused.key, caller().locale, **refused.params)
            return
        origin = self.router.headers.origin or ""
        lang = form.get("lang")
        query = f"?lang={lang}" if lang in LOCALES else ""  # else the tenant's language
        self.new_url, self.message = f"{origin}/wall/{token}{query}", ""
        await self._load()

    @rx.event
    @guarded("wall:manage")
    async def revoke(self, display_id: int) -> None:
        principal = caller().principal
        await run_in_session(
            service.revoke_display,
            scope=principal.scope,
            display_id=as_id(display_id),
            actor=actor_of(self, principal),
        )
        self.new_url = ""
        await self._load()


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
                    on_click=col(WallsState.revoke)(row["id"]),
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


def display_rows(displays: list[WallDisplay], timezone: str) -> list[DisplayRow]:
    """The displays: made and last seen in the tenant's zone ("—": never), live until revoked."""
    return [
        DisplayRow(
            id=d.id,
            name=d.name,
            created=local_time(d.created_at, timezone),
            seen=local_time(d.last_seen_at, timezone) if d.last_seen_at else "—",
            live=d.revoked_at is None,
        )
        for d in displays
    ]
