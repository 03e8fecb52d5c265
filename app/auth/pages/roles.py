"""The role × permission matrix: modules down the side, roles across the top."""

from __future__ import annotations

import reflex as rx

from app.auth.state.roles import RolesState
from app.ui.locale import LocaleState, tr
from app.ui.shell import console_page


def role_label(role: rx.Var) -> rx.Var:
    return rx.cond(role["builtin"], LocaleState.tr["role." + role["code"].to(str)], role["name"])


def _cell(role: rx.Var, code: rx.Var) -> rx.Component:
    key = role["id"].to(str) + ":" + code
    return rx.table.cell(
        rx.checkbox(
            checked=RolesState.cells.contains(key),
            disabled=~role["editable"].bool(),
            on_change=lambda checked: RolesState.toggle(role["id"], code, checked),
            id="cell-" + role["id"].to(str) + "-" + code.replace(":", "-"),
        ),
        text_align="center",
    )


def _permission_row(permission: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            LocaleState.tr["action." + permission["action"].to(str)],
            padding_left="1.5rem",
            white_space="nowrap",
        ),
        rx.foreach(RolesState.roles, lambda role: _cell(role, permission["code"].to(str))),
    )


def _module_block(block: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.text(LocaleState.tr["module." + block["module"].to(str)], weight="bold"),
                col_span=RolesState.roles.length() + 1,
                background=rx.color("gray", 3),
            )
        ),
        rx.foreach(block["permissions"], _permission_row),
    )


def _role_header(role: rx.Var) -> rx.Component:
    return rx.table.column_header_cell(
        rx.vstack(
            rx.text(role_label(role), white_space="nowrap"),
            rx.cond(
                role["builtin"],
                rx.badge(tr("role.builtin"), size="1", variant="soft", color_scheme="gray"),
                rx.cond(
                    role["editable"],
                    rx.button(
                        rx.icon("trash-2", size=12),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        on_click=RolesState.delete_role(role["id"]),
                        aria_label=tr("role.delete"),
                    ),
                ),
            ),
            align="center",
            spacing="1",
        ),
        text_align="center",
    )


def _new_role_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("role.new")),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="name",
                        placeholder=tr("field.name"),
                        id="role-name",
                        required=True,
                        width="100%",
                    ),
                    rx.text(tr("role.template"), size="2"),
                    rx.el.select(
                        rx.el.option(tr("role.no_template"), value=""),
                        rx.foreach(
                            RolesState.templates,
                            lambda r: rx.el.option(role_label(r), value=r["id"].to(str)),
                        ),
                        name="template",
                        id="role-template",
                        style={"width": "100%", "padding": "0.4rem"},
                    ),
                    rx.cond(
                        RolesState.form_error != "",
                        rx.callout(RolesState.form_error, color_scheme="red", id="role-error"),
                    ),
                    rx.hstack(
                        rx.button(
                            tr("common.cancel"),
                            variant="soft",
                            type="button",
                            on_click=RolesState.close_form,
                        ),
                        rx.button(tr("common.save"), type="submit", id="role-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=RolesState.create_role,
            ),
            max_width="26rem",
        ),
        open=RolesState.form_open,
    )


def roles_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("nav.roles"), size="6"),
            rx.spacer(),
            rx.cond(
                RolesState.can_write,
                rx.button(
                    rx.icon("plus", size=14),
                    tr("role.new"),
                    on_click=RolesState.open_form,
                    id="role-new",
                ),
            ),
            width="100%",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(tr("role.permission")),
                        rx.foreach(RolesState.roles, _role_header),
                    )
                ),
                rx.table.body(rx.foreach(RolesState.modules, _module_block)),
                size="1",
                id="role-matrix",
                data_no_cards="true",  # a grid of ticks: it stays a grid on a phone
            ),
            overflow_x="auto",
            width="100%",
        ),
        _new_role_dialog(),
        spacing="4",
        width="100%",
        id="roles",
        data_loaded=RolesState.loaded.to(str),
    )


roles_page = console_page(roles_body)
