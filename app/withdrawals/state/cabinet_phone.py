"""The employee's phone page for one cabinet (/m/cabinet/<code>): open it, watch the door, see
what was recorded. Thin: every rule is in app/withdrawals/services/phone.py."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from typing import TypedDict

import reflex as rx

from app.auth.services.next_path import phone_sign_in
from app.core.bus import get_bus, tenant_channel
from app.core.db import run_in_session
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time, yuan
from app.ui.guard import caller, checked_inside, guarded
from app.ui.session import current_principal, request_locale, require
from app.withdrawals.pages.door_steps import (
    UNDER_WAY,
    DoorFacts,
    DoorStep,
    label_key,
    view_of,
    visit_step,
)
from app.withdrawals.services import phone

WATCH_S = 600  # how long the page follows a door it opened (or waits for an approval's)
REREAD_S = 5.0  # re-read this often even without news from the bus (a lost event only delays)


class VisitRow(TypedDict):
    id: int
    state: str  # the door session's status, as stored
    status: str  # the translation key of its step
    lines: str
    at: str  # local time
    total: str  # ¥, empty when nothing was taken


def _lines(visit: phone.Visit, locale: str) -> str:
    """What the visit recorded ("" while the door is still under way: nothing is yet)."""
    if visit_step(visit.status) in UNDER_WAY:
        return ""
    taken = "、".join(f"{name} × {qty}" for name, qty, _ in visit.lines)
    return taken or t("door.nothing_taken", locale)


def visit_rows(visits: list[phone.Visit], locale: str, timezone: str) -> list[VisitRow]:
    return [
        VisitRow(
            id=v.door_session_id,
            state=v.status,
            status=label_key(v.status),
            lines=_lines(v, locale),
            at=local_time(v.at, timezone),
            total=f"¥{yuan(sum(cost for *_, cost in v.lines))}" if v.lines else "",
        )
        for v in visits
    ]


class CabinetPhoneState(rx.State):
    cabinet_code: str = ""
    cabinet_name: str = ""
    online: bool = False
    step: str = ""  # the door's one step (app/withdrawals/pages/door_steps.py DoorStep)
    message_key: str = ""  # what that step says (translated in the browser: a language switch
    refusal: str = ""  # follows), or else the last refusal, in the language it was made in
    tone: str = "gray"
    can_open: bool = False
    done: int = 0  # how many steps of a visit are behind
    visits: list[VisitRow] = []
    loaded: bool = False
    watching: bool = False
    may_ask: bool = False  # refused for want of an approval: offer to ask for one here
    _door_id: int = 0  # the door this page follows (backend only)
    _tenant_id: int = 0
    _cabinet_id: int = 0
    _others_inside: bool = False
    _refusal_key: str = ""  # the last press's refusal ("" none)
    _missing: bool = False
    _awaiting_approval: bool = False  # asked here: follow the door its approval opens

    def _code_from_url(self) -> str:
        path = (self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1][:32] if "/m/cabinet/" in path else ""

    def _facts(self) -> DoorFacts:
        latest = self.visits[0] if self.visits else None
        return DoorFacts(
            own_status=latest["state"] if latest else None,
            following=latest is not None and latest["id"] == self._door_id,
            refusal=self._refusal_key or None,
            asked=self._awaiting_approval,
            others_inside=self._others_inside,
            online=self.online,
            missing=self._missing,
        )

    def _show(self) -> None:
        """The page's door part, all from one view of the facts."""
        view = view_of(self._facts())
        self.step, self.tone, self.can_open, self.done = (
            view.step.value,
            view.tone,
            view.can_open,
            view.done,
        )
        self.message_key = view.message_key or ""

    async def _refresh(self) -> None:
        principal = await require(self, "self:withdraw")
        locale = await request_locale(self)
        code = self.cabinet_code

        def read(session):
            here = phone.at_cabinet(
                session=session, scope=principal.scope, account_id=principal.account_id, code=code
            )
            return here, scope_timezone(session=session, scope=principal.scope)

        here, timezone = await run_in_session(read)
        self.cabinet_name, self.online = here.cabinet.name, here.cabinet.is_online
        self._cabinet_id, self._tenant_id = here.cabinet.id, here.cabinet.tenant_id
        self._others_inside = here.others_inside
        self.visits = visit_rows(here.visits, locale, timezone)
        self._adopt_own_door()
        self._show()
        self.loaded = True

    @rx.event
    @checked_inside(
        "self:withdraw",
        "signed out (a scanned QR code): the phone's sign-in, which comes back here",
    )
    async def load(self):
        """Signed out (a scanned QR code): the phone's sign-in, which comes back here."""
        self.cabinet_code = self._code_from_url()
        if await current_principal(self) is None:
            return rx.redirect(phone_sign_in(f"/m/cabinet/{self.cabinet_code}"))
        self.may_ask, self._door_id, self._awaiting_approval = False, 0, False
        self.refusal, self._refusal_key, self._missing = "", "", False
        try:
            await self._refresh()
        except (NotFoundError, ValidationError) as missing:  # a refusal of access propagates
            locale = await request_locale(self)
            self.cabinet_name, self.visits, self._missing = "", [], True
            key = "door.no_such_cabinet" if isinstance(missing, NotFoundError) else missing.key
            self.refusal, self._refusal_key = t(key, locale, **missing.params), key
            self._show()
            self.loaded = True
            return
        if self._door_id:  # their own door is under way (a reload, or opened elsewhere)
            return CabinetPhoneState.watch

    @rx.event
    @guarded("self:withdraw")
    async def open_cabinet(self):
        principal = caller().principal
        locale = caller().locale
        self.may_ask, self.refusal, self._refusal_key = False, "", ""
        try:
            door = await run_in_session(
                phone.open_by_phone,
                scope=principal.scope,
                account_id=principal.account_id,
                cabinet_code=self.cabinet_code,
            )
        except DomainError as refused:
            self.refusal, self._refusal_key = t(refused.key, locale, **refused.params), refused.key
            self.may_ask = refused.key == "door.refused_approval_required"
            await self._refresh()  # their own door under way, if that is why: it is shown
            return CabinetPhoneState.watch if self._door_id else None
        self._door_id, self._tenant_id = door.id, door.tenant_id
        await self._refresh()
        return CabinetPhoneState.watch

    @rx.event
    @guarded("self:request")
    async def ask(self, form: dict):
        """Asked at the cabinet: once approved, its door opens if they are still here, and this
        page follows that door."""
        principal = caller().principal
        locale = caller().locale
        reason = form.get("reason")
        try:
            request = await run_in_session(
                phone.ask_for_more,
                scope=principal.scope,
                account_id=principal.account_id,
                reason=str(reason or "")[:600],
                cabinet_code=self.cabinet_code,
            )
        except DomainError as refused:
            self.refusal, self._refusal_key = t(refused.key, locale, **refused.params), refused.key
            self._show()
            return
        self.may_ask, self._door_id, self._tenant_id = False, 0, request.tenant_id
        self.refusal, self._refusal_key, self._awaiting_approval = "", "", True
        self._show()
        return CabinetPhoneState.watch

    def _adopt_own_door(self) -> None:
        """The person's own door under way at this cabinet is the one this page follows,
        however it was opened (here, a reload, an approval asked here, their badge)."""
        latest = self.visits[0] if self.visits else None
        if latest is not None and visit_step(latest["state"]) in UNDER_WAY:
            self._door_id, self._awaiting_approval = latest["id"], False
            self.refusal, self._refusal_key, self.may_ask = "", "", False

    def _still_following(self) -> bool:
        return self._awaiting_approval or DoorStep(self.step) in UNDER_WAY

    @rx.event(background=True)
    @guarded("self:withdraw")
    async def watch(self):
        """Follow the door just opened (or the one an approval will open) until it is recorded:
        re-read when the bus says a door of this person at this cabinet changed, and every
        REREAD_S regardless."""
        async with self:
            principal = caller().principal
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
                self._show()
