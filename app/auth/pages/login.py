"""The sign-in pages (the console's, and the phone's in pages/phone_login.py): a plain form posted
to /api/auth/login, so the session cookie is HttpOnly."""

from __future__ import annotations

import reflex as rx

from app.auth.state.login import LoginPageState
from app.ui.forms import labelled_input, native_form
from app.ui.locale import LocaleState, tr


def error_callout() -> rx.Component:
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


def sign_in_form(page: str) -> rx.Component:
    """Username and password posted as a real form; `page` is where a refusal comes back to
    ("phone": the phone's sign-in), `next` where a sign-in goes on to."""
    return native_form(
        rx.el.input(type="hidden", name="next", value=LoginPageState.next_path),
        rx.el.input(type="hidden", name="page", value=page),
        rx.vstack(
            _field("login", "login.login", "text", "username", LoginPageState.registered_phone),
            _field("password", "login.password", "password", "current-password"),
            rx.button(tr("login.submit"), type="submit", size="3", width="100%", id="login-submit"),
            spacing="4",
            width="100%",
        ),
        action="/api/auth/login",
        method="post",
        id="login-form",
        style={"width": "100%"},
    )


def sso_form() -> rx.Component:
    """Sign-in through the company's own identity provider (app/api/sso.py), the company code
    picking the provider. A plain link, not a form: the page's CSP (`form-action 'self'`) would
    stop a form's redirect on its way to the provider."""
    return rx.hstack(
        rx.input(
            id="sso-company",
            placeholder=tr("login.company"),
            aria_label=tr("login.company"),
            default_value=LoginPageState.company,
            on_change=LoginPageState.set_sso_company,
            max_length=32,
            auto_complete="organization",
            flex="1",
        ),
        rx.el.a(
            rx.button(tr("login.sso"), variant="outline", type="button", tab_index=-1),
            href=LoginPageState.sso_href,
            id="sso-submit",
        ),
        width="100%",
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
                error_callout(),
                rx.cond(
                    LoginPageState.registered_phone != "",
                    rx.callout(tr("register.done"), color_scheme="green", id="login-registered"),
                ),
                sign_in_form("console"),
                rx.separator(size="4"),
                sso_form(),
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
