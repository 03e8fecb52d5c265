"""The console's LAN cabinets page (`/cabinets/lan`): the scope's cabinets that have no
controller, where their scales, door sensor and lock answer (`cabinet:read`), and a form to
record or change that wiring (`cabinet:write`, checked here per event; the service scopes and
audits it). docs/lan-cabinets.md says what to wire."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.lan import LanWiring, list_lan_cabinets, register_by_code
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.ui.guard import caller, guarded
from app.ui.locale import tr
from app.ui.session import actor_of, require
from app.ui.shell import console_page
from app.ui.tables import data_table

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


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["code"], weight="bold"), rx.text(row["name"], size="1")),
        rx.table.cell(row["scales_at"]),
        rx.table.cell(row["units"]),
        rx.table.cell(row["io_at"]),
        rx.table.cell(row["lock_coil"]),
        rx.table.cell(row["door_input"]),
        class_name="lan-row",
    )


def _field(name: str, key: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(tr(key), size="1"),
        rx.input(name=name, id=f"lan-{name.replace('_', '-')}", **props),
        spacing="1",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.flex(
            _field("cabinet", "lan.cabinet", required=True),
            _field("host", "lan.host", required=True, placeholder="10.20.0.15"),
            _field("port", "lan.port", placeholder="502", width="6rem"),
            _field("io_host", "lan.io_host"),
            _field("io_unit", "lan.io_unit", placeholder="1", width="6rem"),
            _field("lock_coil", "lan.lock_coil", placeholder="0", width="8rem"),
            _field("door_input", "lan.door_input", placeholder="0", width="8rem"),
            rx.checkbox(tr("lan.door_open_when_low"), name="door_open_when_low"),
            rx.button(tr("lan.save"), type="submit", id="lan-save"),
            wrap="wrap",
            gap="3",
            align="end",
        ),
        on_submit=LanCabinetsState.save,
    )


def lan_cabinets_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.lan_cabinets"), size="6"),
        rx.text(tr("lan.explain"), size="2", color=rx.color("gray", 11)),
        rx.cond(LanCabinetsState.can_write, _form()),
        rx.cond(
            LanCabinetsState.message != "",
            rx.callout(LanCabinetsState.message, color_scheme="red", id="lan-message"),
        ),
        rx.cond(
            LanCabinetsState.saved,
            rx.callout(tr("lan.saved"), color_scheme="green", id="lan-saved"),
        ),
        data_table(
            ("lan.cabinet", "lan.host", "lan.scales", "lan.io", "lan.lock_coil", "lan.door_input"),
            LanCabinetsState.rows,
            _row,
            "lan-table",
        ),
        spacing="4",
        width="100%",
        id="lan-cabinets",
        data_loaded=LanCabinetsState.loaded.to(str),
    )


lan_cabinets_page = console_page(lan_cabinets_body)
