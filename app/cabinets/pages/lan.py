"""The console's LAN cabinets page (`/cabinets/lan`): the list and the register form (state:
app/cabinets/state/lan.py)."""

from __future__ import annotations

import reflex as rx

from app.cabinets.state.lan import LanCabinetsState
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table


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
