"""The phone whitelist page (console) and the registration page for the employee's phone."""

from __future__ import annotations

import reflex as rx

from app.registration.state import RegisterState, WhitelistState
from app.ui.forms import labelled_input
from app.ui.locale import LocaleState, mobile_header, tr
from app.ui.paging import pager
from app.ui.shell import console_page

UPLOAD_ID = "whitelist-file"


def _listed(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry["phone"]),
        rx.table.cell(entry["name"]),
        rx.table.cell(
            rx.cond(
                entry["registered"],
                rx.badge(tr("whitelist.registered"), color_scheme="green"),
                rx.badge(tr("whitelist.waiting"), color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.button(
                tr("whitelist.remove"),
                size="1",
                variant="ghost",
                color_scheme="red",
                on_click=WhitelistState.remove(entry["id"]),
            )
        ),
    )


def whitelist_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.whitelist"), size="6"),
        rx.text(tr("whitelist.explain"), size="2", color=rx.color("gray", 11)),
        rx.flex(
            rx.form(
                rx.hstack(
                    rx.input(name="phone", placeholder=tr("field.phone"), id="wl-phone"),
                    rx.input(name="name", placeholder=tr("field.name"), id="wl-name"),
                    rx.button(
                        rx.icon("plus", size=14), tr("whitelist.add"), type="submit", id="wl-add"
                    ),
                ),
                on_submit=WhitelistState.add,
                reset_on_submit=True,
            ),
            rx.upload.root(
                rx.button(rx.icon("upload", size=14), tr("whitelist.import"), variant="soft"),
                id=UPLOAD_ID,
                max_files=1,
                on_drop=WhitelistState.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            ),
            rx.form(
                rx.hstack(
                    rx.input(name="search", placeholder=tr("whitelist.search"), id="wl-search"),
                    rx.button(rx.icon("search", size=14), tr("people.filter"), type="submit"),
                ),
                on_submit=WhitelistState.apply_search,
            ),
            gap="0.75rem",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            WhitelistState.message != "",
            rx.callout(WhitelistState.message, id="wl-message", width="100%"),
        ),
        rx.cond(
            WhitelistState.errors.length() > 0,
            rx.callout(
                rx.vstack(rx.foreach(WhitelistState.errors, lambda e: rx.text(e, size="2"))),
                color_scheme="red",
                id="wl-errors",
                width="100%",
            ),
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("field.phone")),
                        rx.table.column_header_cell(tr("field.name")),
                        rx.table.column_header_cell(tr("people.status")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(WhitelistState.rows, _listed)),
                width="100%",
                id="wl-table",
            ),
            overflow_x="auto",
            width="100%",
        ),
        pager(WhitelistState, "wl"),
        spacing="4",
        width="100%",
        id="whitelist",
        data_loaded=WhitelistState.loaded.to(str),
    )


whitelist_page = console_page(whitelist_body)


def _mobile_field(name: str, label: str, kind: str = "text", **props) -> rx.Component:
    return labelled_input(name, label, input_id=f"reg-{name}", type=kind, size="3", **props)


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
            rx.link(tr("register.have_account"), href="/login", size="2"),
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
