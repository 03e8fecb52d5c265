"""The employee's phone page for one cabinet (/m/cabinet/<code>): open it, watch the door, see
what was recorded. Thin: every rule is in app/withdrawals/phone.py."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.i18n import t
from app.ui.session import request_locale, require
from app.withdrawals import phone

WATCH_S = 180  # how long the page follows a door it opened
STATUS_KEYS = {
    "unlocking": "door.status_unlocking",
    "open": "door.status_open",
    "committed": "door.status_committed",
    "exception": "door.status_exception",
}


class VisitRow(TypedDict):
    id: int
    state: str  # the door session's status, as stored
    status: str  # the same, in the reader's language
    lines: str


class CabinetPhoneState(rx.State):
    cabinet_code: str = ""
    cabinet_name: str = ""
    online: bool = False
    message: str = ""
    visits: list[VisitRow] = []
    loaded: bool = False
    watching: bool = False

    def _code_from_url(self) -> str:
        path = (self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1][:32] if "/m/cabinet/" in path else ""

    async def _refresh(self) -> None:
        principal = await require(self, "self:withdraw")
        locale = await request_locale(self)
        code = self.cabinet_code

        def read(session):
            cabinet = phone.cabinet_by_code(session, principal.scope, code)
            visits = phone.my_visits(
                session=session,
                scope=principal.scope,
                account_id=principal.account_id,
                cabinet_id=cabinet.id,
                limit=5,
            )
            return cabinet, visits

        cabinet, visits = await run_in_session(read)
        self.cabinet_name, self.online = cabinet.name, cabinet.is_online
        self.visits = [
            VisitRow(
                id=v.door_session_id,
                state=v.status,
                status=t(STATUS_KEYS.get(v.status, "door.status_other"), locale),
                lines="、".join(f"{name} × {qty}" for name, qty, _ in v.lines)
                or t("door.nothing_taken", locale),
            )
            for v in visits
        ]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.cabinet_code = self._code_from_url()
        self.message = ""
        try:
            await self._refresh()
        except (NotFoundError, ValidationError) as missing:  # a refusal of access propagates
            self.message = t(missing.key, await request_locale(self), **missing.params)
            self.loaded = True

    @rx.event
    async def open_cabinet(self):
        principal = await require(self, "self:withdraw")
        locale = await request_locale(self)
        try:
            await run_in_session(
                phone.open_by_phone,
                scope=principal.scope,
                account_id=principal.account_id,
                cabinet_code=self.cabinet_code,
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.message = t("door.opening", locale)
        await self._refresh()
        return CabinetPhoneState.watch

    @rx.event(background=True)
    async def watch(self):
        """Follow the door just opened until it is recorded (or WATCH_S pass)."""
        async with self:
            await require(self, "self:withdraw")
            if self.watching:
                return
            self.watching = True
        try:
            for _ in range(WATCH_S):
                await asyncio.sleep(1)
                async with self:
                    await self._refresh()
                    if self.visits and self.visits[0]["state"] not in ("unlocking", "open"):
                        return
        finally:
            async with self:
                self.watching = False
