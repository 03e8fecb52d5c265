"""The API keys page: the list (prefix, scopes, expiry, last use, state), a dialog to create a
key, the new key shown once, a revoke button per live key."""

from __future__ import annotations

import reflex as rx

from app.apikeys.state.api_keys import ApiKeysState as S
from app.ui.forms import confirmed, dialog_buttons, form_error, labelled, labelled_input
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table

STATE_COLOURS = {"active": "green", "expired": "gray", "revoked": "red"}


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["name"]),
        rx.table.cell(
            rx.cond(
                row["owner"] != "",
                rx.badge(row["owner"], color_scheme="violet"),
                rx.text(tr("apikeys.owner_tenant"), size="2"),
            )
        ),
        rx.table.cell(rx.code(row["prefix"])),
        rx.table.cell(rx.text(row["scopes"], size="1")),
        rx.table.cell(row["expires"]),
        rx.table.cell(row["last_used"]),
        rx.table.cell(
            rx.badge(
                row["state_text"],
                color_scheme=rx.match(row["state"], *STATE_COLOURS.items(), "gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                row["state"] == "active",
                confirmed(
                    rx.button(
                        tr("apikeys.revoke"),
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        class_name="apikey-revoke",
                    ),
                    title_key="apikeys.revoke_title",
                    text_key="apikeys.revoke_text",
                    subject=row["name"],
                    confirm_key="apikeys.revoke",
                    on_confirm=S.revoke(row["id"]),
                    confirm_id="apikey-revoke-confirm",
                ),
            )
        ),
        class_name="apikey-row",
    )


def _scope_box(scope: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.checkbox(name="scope:" + scope), rx.code(scope), display="flex", gap="0.4rem"
    )


def _form() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("apikeys.create")),
            rx.form(
                rx.vstack(
                    labelled_input(
                        "name",
                        "apikeys.name",
                        input_id="apikey-name",
                        max_length=80,
                        required=True,
                        mark_required=True,
                    ),
                    rx.cond(
                        S.for_provider,
                        labelled(
                            "apikeys.owner",
                            rx.el.select(
                                rx.el.option(tr("apikeys.owner_tenant"), value="tenant"),
                                rx.el.option(tr("apikeys.owner_provider"), value="provider"),
                                name="owner",
                                id="apikey-owner",
                                style={"width": "100%", "padding": "0.4rem"},
                            ),
                        ),
                    ),
                    labelled(
                        "apikeys.scopes",
                        rx.grid(
                            rx.foreach(S.scopes, _scope_box),
                            columns=rx.breakpoints(initial="1", sm="2"),
                            gap="0.4rem",
                        ),
                    ),
                    labelled_input(
                        "expires_days",
                        "apikeys.expires",
                        input_id="apikey-expires",
                        type="number",
                        min=1,
                        max=3650,
                    ),
                    form_error(S.form_error, "apikey-form-error"),
                    dialog_buttons(S.close, "apikeys.create", "apikey-save"),
                    spacing="3",
                ),
                on_submit=S.create,
                reset_on_submit=True,
            ),
            max_width="36rem",
            id="apikey-dialog",
        ),
        open=S.creating,
    )


def api_keys_body() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading(tr("apikeys.title"), size="6"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=14), tr("apikeys.create"), on_click=S.open_new, id="apikey-new"
            ),
            align="center",
            width="100%",
        ),
        rx.text(tr("apikeys.help"), size="2", color=rx.color("gray", 11)),
        rx.text(tr("apikeys.docs"), size="2", color=rx.color("gray", 11)),
        rx.cond(
            S.created_key != "",
            rx.callout(
                rx.vstack(
                    rx.text(tr("apikeys.created")),
                    rx.code(S.created_key, id="apikey-plaintext"),
                    rx.button(tr("common.cancel"), size="1", variant="soft", on_click=S.forget_key),
                ),
                icon="key-round",
                color_scheme="amber",
                id="apikey-created",
                width="100%",
            ),
        ),
        data_table(
            (
                "apikeys.name",
                "apikeys.owner",
                "apikeys.prefix",
                "apikeys.scopes",
                "apikeys.expires_at",
                "apikeys.last_used",
                "apikeys.state",
                "",
            ),
            S.rows,
            _row,
            "apikey-table",
            empty_key="apikeys.empty",
        ),
        _form(),
        spacing="4",
        width="100%",
        id="api-keys",
        data_loaded=S.loaded.to(str),
    )


api_keys_page = console_page(api_keys_body)
