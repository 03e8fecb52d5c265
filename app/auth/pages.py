"""The sign-in page: a plain form posted to /api/auth/login, so the session cookie is HttpOnly."""

from __future__ import annotations

import reflex as rx

from app.ui.forms import labelled_input, native_form
from app.ui.locale import LocaleState, tr


class LoginPageState(rx.State):
    error_key: str = ""
    error_minutes: str = ""
    registered_phone: str = ""  # just registered on the phone page: greet and fill the login

    @rx.event
    def read_error(self) -> None:
        """Public: show the reason the last attempt was refused (from the redirect's query)."""
        params = self.router.url.query_parameters
        key = params.get("error", "")
        self.error_key = (
            key if key in ("auth.bad_credentials", "auth.locked", "auth.expired") else ""
        )
        minutes = params.get("minutes", "")
        self.error_minutes = minutes if minutes.isdigit() else ""
        registered = params.get("registered", "")
        self.registered_phone = registered if registered.isdigit() and len(registered) == 11 else ""


def _error() -> rx.Component:
    message = (
        LocaleState.tr[LoginPageState.error_key]
        .to(str)
        .replace("{minutes}", LoginPageState.error_minutes)
    )
    return rx.cond(
        LoginPageState.error_key != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", id="login-error", width="100%"
        ),
    )


def _field(
    name: str, label_key: str, kind: str, autocomplete: str, value: rx.Var | str = ""
) -> rx.Component:
    return labelled_input(
        name,
        label_key,
        input_id=name,
        type=kind,
        required=True,
        auto_complete=autocomplete,
        default_value=value,
        size="3",
    )


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("archive", size=26, color=rx.color("accent", 10)),
                    rx.heading(tr("app.name"), size="5"),
                    align="center",
                ),
                rx.text(tr("login.title"), color=rx.color("gray", 11)),
                _error(),
                rx.cond(
                    LoginPageState.registered_phone != "",
                    rx.callout(tr("register.done"), color_scheme="green", id="login-registered"),
                ),
                native_form(
                    rx.vstack(
                        _field(
                            "login",
                            "login.login",
                            "text",
                            "username",
                            LoginPageState.registered_phone,
                        ),
                        _field("password", "login.password", "password", "current-password"),
                        rx.button(
                            tr("login.submit"),
                            type="submit",
                            size="3",
                            width="100%",
                            id="login-submit",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    action="/api/auth/login",
                    method="post",
                    id="login-form",
                    style={"width": "100%"},
                ),
                rx.link(tr("register.title"), href="/m/register", size="2", id="to-register"),
                rx.hstack(
                    rx.text(tr("login.demo_hint"), size="1", color=rx.color("gray", 10)),
                    rx.spacer(),
                    rx.button(
                        tr("lang.switch"),
                        variant="ghost",
                        size="1",
                        on_click=LocaleState.toggle_locale,
                        id="lang-switch",
                    ),
                    width="100%",
                    align="center",
                ),
                spacing="4",
                width="100%",
            ),
            width=["92vw", "24rem"],
            size="4",
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
        lang=LocaleState.html_lang,
    )
