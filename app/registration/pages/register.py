"""The employee's self-registration page on the phone (`/m/register`; state:
app/registration/state/register.py)."""

from __future__ import annotations

import reflex as rx

from app.registration.state.register import RegisterState
from app.ui.forms import labelled_input
from app.ui.locale import LocaleState, mobile_header, tr


def _mobile_field(name: str, label: str, kind: str = "text", **props) -> rx.Component:
    return labelled_input(
        name, label, input_id=f"reg-{name}", type=kind, size="3", mark_required=True, **props
    )


def _company_option(company: rx.Var) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.radio_group.item(value=company["id"]), company["name"], spacing="2", align="center"
        ),
        as_="label",
        size="3",
        class_name="reg-company-option",
    )


def _company_choice() -> rx.Component:
    """Shown only after the phone's code was proven and several companies list it."""
    return rx.vstack(
        rx.text(tr("register.company"), size="2", weight="medium"),
        rx.radio_group.root(
            rx.vstack(rx.foreach(RegisterState.companies, _company_option), spacing="2"),
            name="company",
            required=True,
            id="reg-company",
        ),
        spacing="1",
        width="100%",
    )


def register_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            mobile_header(tr("register.title")),
            rx.text(tr("register.explain"), size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    _mobile_field(
                        "phone", "field.phone", "tel", required=True, auto_complete="tel"
                    ),
                    rx.button(
                        tr("register.send_code"),
                        type="submit",
                        size="3",
                        width="100%",
                        variant="soft",
                        id="reg-send",
                    ),
                    width="100%",
                ),
                on_submit=RegisterState.request_code,
                width="100%",
            ),
            rx.cond(
                RegisterState.code_sent,
                rx.form(
                    rx.vstack(
                        _mobile_field(
                            "code",
                            "register.code",
                            "text",
                            required=True,
                            input_mode="numeric",
                            auto_complete="one-time-code",
                        ),
                        _mobile_field("name", "field.name"),
                        rx.cond(RegisterState.companies.length() > 0, _company_choice()),
                        _mobile_field(
                            "password",
                            "field.password",
                            "password",
                            required=True,
                            auto_complete="new-password",
                        ),
                        rx.text(tr("org.weak_password"), size="1", color=rx.color("gray", 10)),
                        rx.button(
                            tr("register.submit"),
                            type="submit",
                            size="3",
                            width="100%",
                            id="reg-submit",
                        ),
                        width="100%",
                    ),
                    on_submit=RegisterState.register,
                    width="100%",
                ),
            ),
            rx.cond(
                RegisterState.message != "",
                rx.callout(RegisterState.message, id="reg-message", width="100%"),
            ),
            rx.link(tr("register.have_account"), href="/m/login", size="2"),
            spacing="4",
            width="100%",
            max_width="26rem",
            padding="1.25rem",
        ),
        min_height="100vh",
        align_items="start",
        padding_top="2rem",
        lang=LocaleState.html_lang,
    )
