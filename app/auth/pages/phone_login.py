"""The phone's sign-in (/m/login): where a scanned cabinet's QR code leads a signed-out employee,
phone-sized, returning to that cabinet once signed in; and the phone's sign-out button."""

from __future__ import annotations

import reflex as rx

from app.auth.pages.login import error_callout, sign_in_form
from app.auth.state.login import LoginPageState
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


def _im_button(sign_in: rx.Var) -> rx.Component:
    """One IM's sign-in (企业微信 / 钉钉 / 飞书): a plain link, as the page's CSP would stop a
    form's redirect on its way to the IM."""
    kind = sign_in["kind"].to(str)
    return rx.el.a(
        rx.button(
            tr("login." + kind), variant="outline", type="button", tab_index=-1, width="100%"
        ),
        href=sign_in["href"].to(str),
        id="im-" + kind,
        width="100%",
    )


def im_sign_in() -> rx.Component:
    """Sign-in with the company's workplace IM: the company code typed (or the one a refusal
    came back with) shows a button per IM that company has set up
    (app/sso/services/im_service.py)."""
    return rx.vstack(
        rx.text(tr("login.im_hint"), size="2", color=rx.color("gray", 11)),
        rx.input(
            id="im-company",
            placeholder=tr("login.company"),
            aria_label=tr("login.company"),
            value=LoginPageState.sso_company,
            on_change=LoginPageState.set_im_company,  # debounced: a controlled input
            max_length=32,
            auto_complete="organization",
            width="100%",
        ),
        rx.foreach(LoginPageState.im_sign_ins, _im_button),
        rx.cond(
            LoginPageState.im_none,
            rx.text(tr("login.im_none"), size="1", color=rx.color("gray", 11), id="im-none"),
        ),
        spacing="2",
        width="100%",
        id="im-sign-in",
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
            im_sign_in(),
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
