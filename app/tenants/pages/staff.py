"""A provider's staff page: its people and the tenants each serves; add a staff member (with
their sign-in), choose their tenants, switch a leaver off."""

from __future__ import annotations

import reflex as rx

from app.tenants.pages.person_fields import person_fields
from app.tenants.state.staff import StaffState as S
from app.ui.forms import NATIVE_SELECT, dialog_buttons, form_error
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(rx.code(row["username"])),
        rx.table.cell(row["phone"]),
        rx.table.cell(
            rx.cond(row["role"] == "admin", tr("onboard.role_admin"), tr("onboard.role_staff"))
        ),
        rx.table.cell(
            rx.cond(
                row["role"] == "admin",
                tr("onboard.all_tenants"),
                rx.flex(
                    rx.foreach(row["serves"].to(list[str]), lambda name: rx.badge(name)),
                    gap="0.25rem",
                    wrap="wrap",
                ),
            )
        ),
        rx.table.cell(
            rx.switch(
                checked=row["active"].to(bool),
                on_change=lambda on: S.set_active(row["id"], on),
                class_name="staff-active",
            )
        ),
        rx.table.cell(
            rx.cond(
                row["role"] == "staff",
                row_action("onboard.assign", S.open_assign(row["id"]), class_name="staff-assign"),
            )
        ),
        class_name="staff-row",
        data_username=row["username"],
    )


def _add_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("onboard.new_staff")),
            rx.form(
                rx.vstack(
                    person_fields("staff"),
                    form_error(S.form_error, "staff-form-error"),
                    dialog_buttons(S.close, "common.save", "staff-save"),
                    spacing="3",
                ),
                on_submit=S.add,
                reset_on_submit=False,
            ),
            max_width="36rem",
            id="staff-dialog",
        ),
        open=S.adding,
    )


def _tenant_box(tenant: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name="tenant_" + tenant["id"].to(str),
            default_checked=S.assigned.contains(tenant["id"]),
            class_name="staff-tenant",
        ),
        " ",
        tenant["name"],
        style={"display": "flex", "gap": "0.5rem", "alignItems": "center"},
    )


def _assign_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("onboard.assign_title")),
            rx.text(tr("onboard.assign_help"), size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    rx.foreach(S.tenants, _tenant_box),
                    form_error(S.form_error, "assign-form-error"),
                    dialog_buttons(S.close, "common.save", "assign-save"),
                    spacing="3",
                    margin_top="0.75rem",
                ),
                on_submit=S.assign,
                reset_on_submit=False,
                key=S.assigning.to(str),
            ),
            max_width="30rem",
            id="assign-dialog",
        ),
        open=S.assigning > 0,
    )


def _provider_picker() -> rx.Component:
    return rx.cond(
        S.providers.length() > 0,
        rx.el.select(
            rx.foreach(S.providers, lambda p: rx.el.option(p["name"], value=p["id"])),
            value=S.provider_id.to(str),
            on_change=S.pick_provider,
            id="staff-provider",
            style={**NATIVE_SELECT, "width": "auto"},
        ),
    )


def staff_body() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading(tr("nav.provider_staff"), size="6"),
            rx.text(S.provider, color=rx.color("gray", 11)),
            rx.spacer(),
            _provider_picker(),
            rx.button(
                rx.icon("plus", size=14),
                tr("onboard.new_staff"),
                on_click=S.open_add,
                id="staff-new",
            ),
            align="center",
            gap="0.75rem",
            width="100%",
            wrap="wrap",
        ),
        rx.text(tr("onboard.staff_explain"), size="2", color=rx.color("gray", 11)),
        rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="staff-message")),
        data_table(
            (
                "onboard.admin_name",
                "field.username",
                "onboard.phone",
                "onboard.role",
                "field.tenants",
                "onboard.active",
                "onboard.actions",
            ),
            S.rows,
            _row,
            "staff-table",
        ),
        _add_dialog(),
        _assign_dialog(),
        spacing="4",
        width="100%",
        id="staff",
        data_loaded=S.loaded.to(str),
    )


staff_page = console_page(staff_body)
