"""The departments page (组织架构): the tree, indented by depth, and one dialog per change."""

from __future__ import annotations

import reflex as rx

from app.org.state.departments import CREATE, MERGE, MOVE, RENAME, TOP, DepartmentsState
from app.ui.locale import tr
from app.ui.shell import console_page


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.heading(tr("nav.org"), size="6"),
        rx.spacer(),
        rx.cond(
            DepartmentsState.can_write,
            rx.button(
                rx.icon("plus", size=14),
                tr("dept.new"),
                on_click=DepartmentsState.open_dialog(CREATE, 0),
                id="dept-new",
            ),
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _action(label: str, action: str, row: rx.Var, **props) -> rx.Component:
    return rx.button(
        tr(label),
        size="1",
        variant="ghost",
        on_click=DepartmentsState.open_dialog(action, row["id"]),
        data_action=action,
        **props,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row["depth"].to(int) > 0,
                    rx.icon("corner-down-right", size=14, color=rx.color("gray", 9)),
                    rx.icon("network", size=14, color=rx.color("accent", 10)),
                ),
                rx.text(row["name"], weight=rx.cond(row["depth"].to(int) > 0, "regular", "bold")),
                align="center",
                spacing="2",
                opacity=rx.cond(row["active"], "1", "0.55"),
                padding_left=f"{row['depth'].to(int) * 1.5}rem",
                white_space="nowrap",
            ),
            class_name="dept-name",
        ),
        rx.table.cell(row["people"], class_name="dept-people"),
        rx.table.cell(
            rx.cond(
                row["active"],
                rx.badge(tr("dept.active"), color_scheme="green"),
                rx.badge(tr("dept.disabled"), color_scheme="gray"),
            ),
            class_name="dept-status",
        ),
        rx.table.cell(
            rx.cond(
                DepartmentsState.can_write,
                rx.hstack(
                    _action("dept.rename", RENAME, row),
                    _action("dept.move", MOVE, row),
                    _action("dept.merge", MERGE, row),
                    rx.button(
                        rx.cond(row["active"], tr("dept.disable"), tr("dept.enable")),
                        size="1",
                        variant="ghost",
                        color_scheme=rx.cond(row["active"], "red", "green"),
                        on_click=DepartmentsState.set_active(row["id"], ~row["active"]),
                        data_action="toggle",
                    ),
                    spacing="3",
                    white_space="nowrap",
                ),
            )
        ),
        data_dept=row["name"],
        data_active=row["active"].to(str),
    )


def _tree() -> rx.Component:
    return rx.cond(
        DepartmentsState.needs_tenant,
        rx.callout(tr("org.choose_tenant"), icon="info", id="dept-choose-tenant", width="100%"),
        rx.cond(
            DepartmentsState.loaded & (DepartmentsState.rows.length() == 0),
            rx.text(tr("dept.empty"), color=rx.color("gray", 11), id="dept-empty"),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(tr("dept.name"), white_space="nowrap"),
                            rx.table.column_header_cell(tr("dept.people"), white_space="nowrap"),
                            rx.table.column_header_cell(tr("dept.status"), white_space="nowrap"),
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(DepartmentsState.rows, _row)),
                    width="100%",
                    id="dept-tree",
                ),
                overflow_x="auto",
                width="100%",
            ),
        ),
    )


def _label(key: str) -> rx.Component:
    return rx.text(tr(key), size="2", weight="medium")


def _select(name: str, element_id: str, *, top: bool, default: rx.Var | str) -> rx.Component:
    return rx.el.select(
        rx.el.option(tr("dept.top_level"), value=TOP) if top else rx.el.option("—", value=""),
        rx.foreach(DepartmentsState.choices, lambda d: rx.el.option(d["label"], value=d["id"])),
        name=name,
        default_value=default,
        id=element_id,
        style={"width": "100%", "padding": "0.4rem"},
    )


def _with_name(text_key: str) -> rx.Component:
    """A line of the dialog naming the chosen department ({name} in the message)."""
    return rx.text(
        tr(text_key).to(str).replace("{name}", DepartmentsState.chosen_name),
        size="2",
        color=rx.color("gray", 11),
        id="dept-dialog-hint",
    )


def _fields() -> rx.Component:
    action = DepartmentsState.action
    return rx.vstack(
        rx.cond(action == MOVE, _with_name("dept.move_hint")),
        rx.cond(action == MERGE, _with_name("dept.merge_hint")),
        rx.cond(
            (action == CREATE) | (action == RENAME),
            rx.vstack(
                _label("dept.name"),
                rx.input(
                    name="name",
                    default_value=rx.cond(action == RENAME, DepartmentsState.chosen_name, ""),
                    id="dept-name",
                    required=True,
                    max_length=60,
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        rx.cond(
            (action == CREATE) | (action == MOVE),
            rx.vstack(
                _label("dept.parent"),
                _select(
                    "parent_id", "dept-parent", top=True, default=DepartmentsState.chosen_parent
                ),
                spacing="1",
                width="100%",
            ),
        ),
        rx.cond(
            action == MERGE,
            rx.vstack(
                _label("dept.target"),
                _select("target_id", "dept-target", top=False, default=""),
                spacing="1",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.match(
                    DepartmentsState.action,
                    (CREATE, tr("dept.new")),
                    (RENAME, tr("dept.rename")),
                    (MOVE, tr("dept.move")),
                    (MERGE, tr("dept.merge")),
                    "",
                )
            ),
            rx.form(
                rx.vstack(
                    _fields(),
                    rx.cond(
                        DepartmentsState.form_error != "",
                        rx.callout(
                            DepartmentsState.form_error,
                            color_scheme="red",
                            icon="triangle-alert",
                            id="dept-error",
                            width="100%",
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            tr("common.cancel"),
                            variant="soft",
                            type="button",
                            on_click=DepartmentsState.close_dialog,
                            id="dept-cancel",
                        ),
                        rx.button(
                            tr("common.save"),
                            type="submit",
                            id="dept-save",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=DepartmentsState.save,
                key=DepartmentsState.dialog_seq,
            ),
            max_width="30rem",
            id="dept-dialog",
        ),
        open=DepartmentsState.dialog_open,
    )


def departments_body() -> rx.Component:
    return rx.vstack(
        _toolbar(),
        _tree(),
        _dialog(),
        spacing="4",
        width="100%",
        id="departments",
        data_loaded=DepartmentsState.loaded.to(str),
    )


departments_page = console_page(departments_body)
