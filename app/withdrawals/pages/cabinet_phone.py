"""The employee's phone page for one cabinet: /m/cabinet/<code> (its QR code opens it). The door
part shows one step at a time (app/withdrawals/pages/door_steps.py), never two that disagree."""

from __future__ import annotations

import reflex as rx

from app.auth.pages.phone_login import phone_sign_out
from app.ui.locale import LocaleState, mobile_header, tr
from app.withdrawals.pages.door_steps import PROGRESS
from app.withdrawals.pages.me import ask_form
from app.withdrawals.state.cabinet_phone import CabinetPhoneState as S


def _visit(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(LocaleState.tr[row["status"]], variant="soft"),
                rx.spacer(),
                rx.text(row["at"], size="1", color=rx.color("gray", 11)),
                width="100%",
            ),
            rx.cond(row["lines"] != "", rx.text(row["lines"], size="3")),
            rx.cond(row["total"] != "", rx.text(row["total"], size="2", weight="bold")),
            spacing="1",
        ),
        width="100%",
        class_name="visit",
        data_state=row["state"],
    )


def _mark(position: int) -> rx.Component:
    """One step of the progress: done (a check), here (its number, in the step's colour), ahead."""
    here, behind = S.done == position, S.done > position
    return rx.center(
        rx.cond(
            behind | (here & (S.step == "recorded")),
            rx.icon("check", size=14),
            rx.cond(
                here & (S.step == "failed"), rx.icon("x", size=14), rx.text(str(position), size="1")
            ),
        ),
        width="24px",
        height="24px",
        border_radius="50%",
        color=rx.cond(here | behind, "white", rx.color("gray", 11)),
        background=rx.cond(
            here,
            rx.color(S.tone, 9),
            rx.cond(behind, rx.color("green", 9), rx.color("gray", 4)),
        ),
    )


def _progress() -> rx.Component:
    return rx.grid(
        *[
            rx.vstack(
                _mark(position),
                rx.text(
                    tr(f"door.step_{step.value}"),
                    size="1",
                    align="center",
                    weight=rx.cond(S.done == position, "bold", "regular"),
                ),
                align="center",
                spacing="1",
                class_name="door-progress-step",
                data_here=(S.done == position).to(str),
            )
            for position, step in enumerate(PROGRESS, start=1)
        ],
        columns="4",
        spacing="1",
        width="100%",
        id="door-progress",
    )


def _door() -> rx.Component:
    """The door's one step: where the visit is, what that means, and the button if it applies."""
    return rx.vstack(
        rx.cond(S.done > 0, _progress()),
        rx.cond(
            (S.message_key != "") | (S.refusal != ""),
            rx.callout(
                rx.cond(S.message_key != "", LocaleState.tr[S.message_key], S.refusal),
                color_scheme=S.tone,
                id="door-message",
                width="100%",
                data_step=S.step,
            ),
        ),
        rx.cond(
            S.can_open,
            rx.button(
                rx.icon("lock-open", size=18),
                rx.cond(S.step == "failed", tr("door.try_again"), tr("door.open")),
                size="4",
                width="100%",
                on_click=S.open_cabinet,
                id="open-door",
            ),
        ),
        spacing="3",
        width="100%",
        id="door",
        data_step=S.step,
    )


def _visits() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("door.my_recent"), size="3"),
        rx.cond(
            S.visits.length() > 0,
            rx.foreach(S.visits, _visit),
            rx.text(tr("door.no_visits"), size="2", color=rx.color("gray", 11), id="no-visits"),
        ),
        spacing="3",
        width="100%",
    )


def cabinet_phone_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            mobile_header(S.cabinet_name, phone_sign_out(), heading_id="cab-name"),
            rx.cond(
                S.cabinet_name != "",
                rx.hstack(
                    rx.text(S.cabinet_code, size="1", color=rx.color("gray", 11)),
                    rx.cond(
                        S.online,
                        rx.badge(tr("door.online"), color_scheme="green"),
                        rx.badge(tr("door.offline"), color_scheme="gray"),
                    ),
                    align="center",
                ),
            ),
            _door(),
            rx.cond(S.may_ask, ask_form(S.ask)),
            rx.cond(S.cabinet_name != "", _visits()),
            rx.link(tr("me.title"), " →", href="/m", id="to-me"),
            spacing="4",
            width="100%",
            max_width="420px",
            padding="16px",
            id="cabinet-phone",
            data_loaded=S.loaded.to(str),
        ),
        width="100%",
    )
