"""The phone whitelist page (console: one toolbar, an add dialog, the registration link as a
printable QR card) and the registration page for the employee's phone."""

from __future__ import annotations

import reflex as rx

from app.registration.state.whitelist import WhitelistState as W
from app.ui.forms import confirmed, dialog_buttons, form_error, labelled_input
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.qr import print_only
from app.ui.shell import console_page
from app.ui.tables import data_table

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
            rx.cond(
                W.can_write,
                confirmed(
                    rx.button(
                        tr("whitelist.remove"),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        class_name="wl-remove",
                    ),
                    title_key="whitelist.remove_title",
                    text_key="whitelist.remove_confirm",
                    subject=entry["phone"],
                    confirm_key="whitelist.remove",
                    on_confirm=W.remove(entry["id"]),
                    confirm_id="wl-remove-confirm",
                ),
            )
        ),
    )


def _toolbar() -> rx.Component:
    """One row: search at the left; add, import and the registration link at the right."""
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(
                    name="search",
                    placeholder=tr("whitelist.search"),
                    default_value=W.search,
                    id="wl-search",
                    width=["100%", "14rem"],
                ),
                rx.button(rx.icon("search", size=14), tr("common.filter"), type="submit"),
            ),
            on_submit=W.apply_search,
            width="auto",
        ),
        rx.spacer(),
        rx.cond(
            W.can_write,
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14), tr("whitelist.new"), on_click=W.open_add, id="wl-new"
                ),
                rx.upload.root(
                    rx.button(rx.icon("upload", size=14), tr("whitelist.import"), variant="soft"),
                    id=UPLOAD_ID,
                    max_files=1,
                    on_drop=W.upload(rx.upload_files(upload_id=UPLOAD_ID)),
                ),
                spacing="3",
            ),
        ),
        rx.button(
            rx.icon("qr-code", size=14),
            tr("whitelist.link"),
            variant="soft",
            on_click=W.open_link,
            id="wl-link",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _add_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("whitelist.new")),
            rx.form(
                rx.vstack(
                    labelled_input(
                        "phone",
                        "field.phone",
                        input_id="wl-phone",
                        type="tel",
                        required=True,
                        mark_required=True,
                    ),
                    labelled_input("name", "field.name", input_id="wl-name", max_length=60),
                    form_error(W.add_error, "wl-add-error"),
                    dialog_buttons(W.close_add, "whitelist.add", "wl-add"),
                    spacing="3",
                ),
                on_submit=W.add,
            ),
            max_width="26rem",
            id="wl-add-dialog",
        ),
        open=W.adding,
    )


def _link_dialog() -> rx.Component:
    """The self-registration address as a card to print or hand out, with its QR code."""
    url = W.link["url"]
    return rx.dialog.root(
        rx.dialog.content(
            rx.el.style(print_only(".wl-qr-card")),
            rx.dialog.title(tr("whitelist.link")),
            rx.vstack(
                rx.heading(W.link["tenant"], size="4"),
                rx.text(tr("whitelist.link_title"), size="3", weight="medium"),
                rx.image(src=W.link["qr"], width="220px", height="220px", id="wl-qr", alt=url),
                rx.text(tr("whitelist.link_explain"), size="2", align="center"),
                rx.link(url, href=url, is_external=True, size="2", id="wl-link-url"),
                align="center",
                spacing="2",
                padding="1rem",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="8px",
                class_name="wl-qr-card",
                width="100%",
            ),
            rx.flex(
                rx.button(
                    rx.icon("copy", size=14),
                    tr("whitelist.copy"),
                    variant="soft",
                    on_click=[rx.set_clipboard(url), rx.toast(tr("whitelist.copied"))],
                    id="wl-copy",
                ),
                rx.button(
                    rx.icon("printer", size=14),
                    tr("whitelist.print"),
                    variant="soft",
                    on_click=rx.call_script("window.print()"),
                    id="wl-print",
                ),
                rx.spacer(),
                rx.button(tr("common.close"), on_click=W.close_link, id="wl-link-close"),
                gap="0.5rem",
                wrap="wrap",
                width="100%",
                margin_top="1rem",
            ),
            max_width="26rem",
            id="wl-link-dialog",
        ),
        open=W.showing_link,
    )


def whitelist_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.whitelist"), size="6"),
        rx.text(tr("whitelist.explain"), size="2", color=rx.color("gray", 11)),
        _toolbar(),
        rx.cond(W.message != "", rx.callout(W.message, id="wl-message", width="100%")),
        rx.cond(
            W.errors.length() > 0,
            rx.callout(
                rx.vstack(rx.foreach(W.errors, lambda e: rx.text(e, size="2"))),
                color_scheme="red",
                id="wl-errors",
                width="100%",
            ),
        ),
        data_table(
            ("field.phone", "field.name", "common.status", "whitelist.actions"),
            W.rows,
            _listed,
            "wl-table",
        ),
        pager(W, "wl"),
        _add_dialog(),
        _link_dialog(),
        spacing="4",
        width="100%",
        id="whitelist",
        data_loaded=W.loaded.to(str),
    )


whitelist_page = console_page(whitelist_body)
