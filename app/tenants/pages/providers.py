"""The platform's providers page: the list and one dialog (a new provider with its first
admin, or a change of its name, contact or status)."""

from __future__ import annotations

import reflex as rx

from app.tenants.pages.person_fields import created_admin, person_fields, text_field
from app.tenants.pages.tenants import status_badge
from app.tenants.state.providers import ProvidersState as S
from app.ui.dialog_list import list_heading, row_dialog
from app.ui.forms import NATIVE_SELECT, labelled
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["code"])),
        rx.table.cell(row["name"]),
        rx.table.cell(row["contact_name"], " ", row["contact_phone"]),
        rx.table.cell(status_badge(row["status"], "provider_status")),
        rx.table.cell(row["tenants"]),
        rx.table.cell(row["staff"]),
        rx.table.cell(row_action("onboard.edit", S.edit(row["id"]), class_name="provider-edit")),
        class_name="provider-row",
        data_code=row["code"],
    )


def _form() -> rx.Component:
    field = lambda name, key, **p: text_field(S.form, name, key, "provider", **p)  # noqa: E731
    status = labelled(
        "field.status",
        rx.el.select(
            rx.el.option(tr("provider_status.active"), value="active"),
            rx.el.option(tr("provider_status.suspended"), value="suspended"),
            name="status",
            default_value=S.form["status"].to(str),
            id="provider-status",
            style=NATIVE_SELECT,
        ),
    )
    return row_dialog(
        S,
        titles=("onboard.new_provider", "onboard.edit_provider"),
        body=[
            rx.grid(
                field("code", "onboard.provider_code", required=True, max_length=32),
                field("name", "onboard.provider_name", required=True, max_length=120),
                field("contact_name", "field.contact_name", max_length=60),
                field("contact_phone", "onboard.contact_phone", max_length=20),
                rx.cond(S.editing_id > 0, status),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem",
                width="100%",
            ),
            rx.cond(S.editing_id == 0, person_fields("provider")),
        ],
        prefix="provider",
        error_id="provider-form-error",
    )


def providers_body() -> rx.Component:
    return rx.vstack(
        list_heading("nav.platform_providers", "onboard.new_provider", S.start, "provider-new"),
        rx.text(tr("onboard.providers_explain"), size="2", color=rx.color("gray", 11)),
        created_admin(S.created, "provider-created"),
        data_table(
            (
                "onboard.provider_code",
                "onboard.provider_name",
                "field.contact_name",
                "field.status",
                "onboard.tenants",
                "onboard.staff",
                "onboard.actions",
            ),
            S.rows,
            _row,
            "provider-table",
            empty_key="onboard.no_providers",
        ),
        _form(),
        spacing="4",
        width="100%",
        id="providers",
        data_loaded=S.loaded.to(str),
    )


providers_page = console_page(providers_body)
