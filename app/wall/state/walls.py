"""The wall displays page's state (`/walls`, `wall:manage`): the displays of the scope, create,
rename, revoke."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import LOCALES, t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, require, working_tenant
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
