"""The phone's sign-in (/m/login): where a scanned cabinet's QR code leads a signed-out employee,
phone-sized, returning to that cabinet once signed in; and the phone's sign-out button."""

from __future__ import annotations

import reflex as rx

from app.auth.pages import LoginPageState, error_callout, sign_in_form, sso_form
from app.ui.forms import native_form
from app.ui.locale import LocaleState, mobile_header, tr


def phone_sign_out() -> rx.Component:
    """Signing out on the phone: a real POST (the cookies are HttpOnly), back to /m/login."""
    return native_form(
        rx.el.input(type="hidden", name="page", value="phone"),
        rx.button(
            rx.icon("log-out", size=16),
            rx.text(tr("header.sign_out"), white_space="nowrap"),
            type="submit",
            variant="ghost",
            size="1",
            color_scheme="gray",
            id="sign-out",
        ),
        action="/api/auth/logout",
        method="post",
        id="sign-out-form",
    )


def phone_sign_in_page() -> rx.Component:
    return rx.center(
        rx.vstack(
            mobile_header(tr("phone.sign_in")),
            rx.cond(
                LoginPageState.next_path != "",
                rx.text(tr("phone.sign_in_back"), size="2", color=rx.color("gray", 11)),
            ),
            error_callout(),
            rx.cond(
                LoginPageState.registered_phone != "",
                rx.callout(tr("register.done"), color_scheme="green", id="login-registered"),
            ),
            sign_in_form("phone"),
            rx.separator(size="4"),
            sso_form("wecom", "login.wecom"),
            rx.link(tr("phone.register"), href=LoginPageState.register_href, size="2"),
            spacing="4",
            width="100%",
            max_width="26rem",
            padding="1.25rem",
            id="phone-sign-in",
        ),
        min_height="100vh",
        align_items="start",
        padding_top="2rem",
        lang=LocaleState.html_lang,
    )
