"""The console's LAN cabinets page (`/cabinets/lan`): the scope's cabinets that have no
controller, where their scales, door sensor and lock answer (`cabinet:read`), and a form to
record or change that wiring (`cabinet:write`, checked here per event; the service scopes and
audits it). docs/lan-cabinets.md says what to wire."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.services.lan import LanWiring, list_lan_cabinets, register_by_code
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.ui.guard import caller, guarded
from app.ui.session import actor_of, require

READ, WRITE = "cabinet:read", "cabinet:write"
NUMBERS = {"port": 502, "io_unit": 1, "lock_coil": 0, "door_input": 0}


class LanRow(TypedDict):
    code: str
    name: str
    scales_at: str
    units: str
    io_at: str
    lock_coil: int
    door_input: int


def _number(form: dict, name: str) -> int:
    text = str(form.get(name) or "").strip()
    if not text:
        return NUMBERS[name]
    if not text.isdigit() or len(text) > 6:
        raise ValidationError(field=name)
    return int(text)


def wiring_of(form: dict) -> LanWiring:
    """The form's fields as the service takes them (numbers checked for being numbers here,
    for their ranges there)."""
    return LanWiring(
        host=str(form.get("host") or "")[:253],
        port=_number(form, "port"),
        io_host=str(form.get("io_host") or "")[:253] or None,
        io_unit=_number(form, "io_unit"),
        lock_coil=_number(form, "lock_coil"),
        door_input=_number(form, "door_input"),
        door_open_when=not form.get("door_open_when_low"),
    )


class LanCabinetsState(rx.State):
    rows: list[LanRow] = []
    can_write: bool = False
    message: str = ""
    saved: bool = False
    loaded: bool = False

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_write = principal.can(WRITE)
        found = await run_in_session(list_lan_cabinets, scope=principal.scope)
        self.rows = [
            LanRow(
                code=r.code,
                name=r.name,
                scales_at=r.scales_at,
                units=r.units,
                io_at=r.io_at,
                lock_coil=r.lock_coil,
                door_input=r.door_input,
            )
            for r in found
        ]
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.message, self.saved = "", False
        await self._load()

    @rx.event
    @guarded(WRITE)
    async def save(self, form: dict) -> None:
        principal = caller().principal
        try:
            await run_in_session(
                register_by_code,
                scope=principal.scope,
                code=str(form.get("cabinet") or "")[:32],
                wiring=wiring_of(form),
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message, self.saved = (
                t(refused.key, caller().locale, **refused.params),
                False,
            )
            return
        self.message, self.saved = "", True
        await self._load()
