"""The employee's phone page for one cabinet: /m/cabinet/<code> (its QR code opens it)."""

from __future__ import annotations

import reflex as rx

from app.ui.locale import mobile_header, tr
from app.withdrawals.me_pages import ask_form, status_line
from app.withdrawals.state import CabinetPhoneState


def _visit(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            status_line(row),
            rx.text(row["lines"], size="3"),
            rx.cond(row["total"] != "", rx.text(row["total"], size="2", weight="bold")),
            spacing="1",
        ),
        width="100%",
        class_name="visit",
        data_state=row["state"],
    )


def cabinet_phone_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            mobile_header(CabinetPhoneState.cabinet_name, heading_id="cab-name"),
            rx.hstack(
                rx.text(CabinetPhoneState.cabinet_code, size="2", color=rx.color("gray", 11)),
                rx.cond(
                    CabinetPhoneState.online,
                    rx.badge(tr("door.online"), color_scheme="green"),
                    rx.badge(tr("door.offline"), color_scheme="gray"),
                ),
            ),
            rx.button(
                rx.icon("lock-open", size=18),
                tr("door.open"),
                size="4",
                width="100%",
                on_click=CabinetPhoneState.open_cabinet,
                id="open-door",
            ),
            rx.cond(
                CabinetPhoneState.message != "",
                rx.callout(CabinetPhoneState.message, id="door-message", width="100%"),
            ),
            rx.cond(CabinetPhoneState.may_ask, ask_form(CabinetPhoneState.ask)),
            rx.heading(tr("door.my_recent"), size="3"),
            rx.foreach(CabinetPhoneState.visits, _visit),
            rx.link(tr("me.title"), " →", href="/m", id="to-me"),
            spacing="4",
            width="100%",
            max_width="420px",
            padding="16px",
            id="cabinet-phone",
            data_loaded=CabinetPhoneState.loaded.to(str),
        ),
        width="100%",
    )
