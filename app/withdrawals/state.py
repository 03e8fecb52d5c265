"""The employee's phone page for one cabinet (/m/cabinet/<code>): open it, watch the door, see
what was recorded. Thin: every rule is in app/withdrawals/phone.py."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import TypedDict

import reflex as rx

from app.core.bus import get_bus, tenant_channel
from app.core.db import run_in_session
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.i18n import t
from app.dashboard.service import scope_timezone
from app.ui.format import local_time, yuan
from app.ui.session import request_locale, require
from app.withdrawals import phone

WATCH_S = 600  # how long the page follows a door it opened (or waits for an approval's)
REREAD_S = 5.0  # re-read this often even without news from the bus (a lost event only delays)
FOLLOWING = ("unlocking", "open", "closed")
FOLLOW_KEYS = {  # what the message under the button says as the door this page opened moves on
    "unlocking": "door.opening",
    "open": "door.now_open",
    "closed": "door.now_weighing",
    "committed": "door.now_recorded",
    "exception": "door.now_checking",
    "expired": "door.now_unlock_failed",
    "door_not_opened": "door.now_not_opened",
}
STATUS_KEYS = {
    "unlocking": "door.status_unlocking",
    "open": "door.status_open",
    "closed": "door.status_closed",
    "committed": "door.status_committed",
    "exception": "door.status_exception",
    "expired": "door.status_unlock_failed",
    "door_not_opened": "door.status_not_opened",
}


class VisitRow(TypedDict):
    id: int
    state: str  # the door session's status, as stored
    status: str  # the same, in the reader's language
    lines: str
    at: str  # local time
    total: str  # ¥, empty when nothing was taken


class CabinetPhoneState(rx.State):
    cabinet_code: str = ""
    cabinet_name: str = ""
    online: bool = False
    message: str = ""
    visits: list[VisitRow] = []
    loaded: bool = False
    watching: bool = False
    may_ask: bool = False  # refused for want of an approval: offer to ask for one here
    _door_id: int = 0  # the door this page follows (backend only)
    _tenant_id: int = 0
    _cabinet_id: int = 0
    _awaiting_approval: bool = False  # asked here: follow the door its approval opens

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
            return cabinet, visits, scope_timezone(session=session, scope=principal.scope)

        cabinet, visits, timezone = await run_in_session(read)
        self.cabinet_name, self.online = cabinet.name, cabinet.is_online
        self._cabinet_id = cabinet.id
        self.visits = [
            VisitRow(
                id=v.door_session_id,
                state=v.status,
                status=t(STATUS_KEYS.get(v.status, "door.status_other"), locale),
                lines="、".join(f"{name} × {qty}" for name, qty, _ in v.lines)
                or t("door.nothing_taken", locale),
                at=local_time(v.at, timezone),
                total=f"¥{yuan(sum(cost for *_, cost in v.lines))}" if v.lines else "",
            )
            for v in visits
        ]
        self._adopt_new_door()
        followed = [v.status for v in visits if v.door_session_id == self._door_id]
        if followed and followed[0] in FOLLOW_KEYS:
            self.message = t(FOLLOW_KEYS[followed[0]], locale)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.cabinet_code = self._code_from_url()
        self.message, self._door_id, self.may_ask = "", 0, False
        try:
            await self._refresh()
        except (NotFoundError, ValidationError) as missing:  # a refusal of access propagates
            self.message = t(missing.key, await request_locale(self), **missing.params)
            self.loaded = True

    @rx.event
    async def open_cabinet(self):
        principal = await require(self, "self:withdraw")
        locale = await request_locale(self)
        self.may_ask = False
        try:
            door = await run_in_session(
                phone.open_by_phone,
                scope=principal.scope,
                account_id=principal.account_id,
                cabinet_code=self.cabinet_code,
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            self.may_ask = refused.key == "door.refused_approval_required"
            return
        self._door_id, self._tenant_id = door.id, door.tenant_id
        await self._refresh()
        return CabinetPhoneState.watch

    @rx.event
    async def ask(self, form: dict):
        """Asked at the cabinet: once approved, its door opens if they are still here, and this
        page follows that door."""
        principal = await require(self, "self:request")
        locale = await request_locale(self)
        reason = form.get("reason") if isinstance(form, dict) else None
        try:
            request = await run_in_session(
                phone.ask_for_more,
                scope=principal.scope,
                account_id=principal.account_id,
                reason=str(reason or "")[:600],
                cabinet_code=self.cabinet_code,
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.may_ask, self._door_id, self._tenant_id = False, 0, request.tenant_id
        self._awaiting_approval = True
        self.message = t("me.asked_at_cabinet", locale)
        return CabinetPhoneState.watch

    def _adopt_new_door(self) -> None:
        """Waiting for an approval: the door it opened for this person is the newest visit."""
        if self._awaiting_approval and self.visits and self.visits[0]["state"] in FOLLOWING:
            self._door_id, self._awaiting_approval = self.visits[0]["id"], False

    def _still_following(self) -> bool:
        if self._awaiting_approval:
            return True
        mine = [v for v in self.visits if v["id"] == self._door_id]
        return bool(mine) and mine[0]["state"] in FOLLOWING

    @rx.event(background=True)
    async def watch(self):
        """Follow the door just opened (or the one an approval will open) until it is recorded:
        re-read when the bus says a door of this person at this cabinet changed, and every
        REREAD_S regardless."""
        async with self:
            principal = await require(self, "self:withdraw")
            if self.watching or not (self._door_id or self._awaiting_approval):
                return
            self.watching = True
            channel = tenant_channel(self._tenant_id, "door")
            cabinet_id, user_id = self._cabinet_id, principal.user_id
        changed, listening = asyncio.Event(), asyncio.Event()

        async def listen() -> None:
            async with get_bus().subscribe(channel) as events:
                listening.set()
                async for event in events:
                    if (event.data.get("cabinet"), event.data.get("user")) == (cabinet_id, user_id):
                        changed.set()

        listener = asyncio.create_task(listen())
        try:
            with suppress(TimeoutError):
                await asyncio.wait_for(listening.wait(), REREAD_S)
            deadline = time.monotonic() + WATCH_S
            while time.monotonic() < deadline:
                async with self:
                    await self._refresh()
                    if not self._still_following():
                        return
                with suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), REREAD_S)
                changed.clear()
        finally:
            listener.cancel()
            async with self:
                self.watching, self._awaiting_approval = False, False
