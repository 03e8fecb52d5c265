"""The people page (人员): filters, one keyset page, the person form and the batch import."""

from __future__ import annotations

import reflex as rx

from app.org.pages.access import access_dialog
from app.org.state.access import PersonAccessState
from app.org.state.people import ANY, PeopleState
from app.org.state.people_import import ImportState
from app.ui.forms import labelled_input
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page

UPLOAD_ID = "people-import-file"


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.hstack(
                rx.input(
                    name="search",
                    placeholder=tr("people.search"),
                    default_value=PeopleState.search,
                    id="people-search",
                    width=["100%", "16rem"],
                ),
                rx.button(rx.icon("search", size=14), tr("common.filter"), type="submit"),
            ),
            on_submit=PeopleState.apply_filters,
        ),
        rx.select.root(
            rx.select.trigger(placeholder=tr("field.department"), id="people-dept"),
            rx.select.content(
                rx.select.item(tr("people.all_departments"), value=ANY),
                rx.foreach(
                    PeopleState.departments, lambda d: rx.select.item(d["label"], value=d["id"])
                ),
            ),
            value=PeopleState.department_filter,
            on_change=PeopleState.set_department_filter,
        ),
        rx.select.root(
            rx.select.trigger(id="people-status"),
            rx.select.content(
                rx.select.item(tr("people.all_statuses"), value=ANY),
                rx.select.item(tr("people.active"), value="active"),
                rx.select.item(tr("people.disabled"), value="disabled"),
            ),
            value=PeopleState.status_filter,
            on_change=PeopleState.set_status_filter,
        ),
        rx.spacer(),
        rx.cond(
            PeopleState.can_write,
            rx.button(
                rx.icon("user-plus", size=14),
                tr("people.new"),
                on_click=PeopleState.open_form(0),
                id="people-new",
            ),
        ),
        rx.cond(
            PeopleState.can_import,
            rx.button(
                rx.icon("upload", size=14),
                tr("people.import"),
                variant="soft",
                on_click=ImportState.open_dialog,
                id="people-import",
            ),
        ),
        rx.link(
            rx.button(rx.icon("download", size=14), tr("people.export"), variant="soft"),
            href="/api/org/users/export.xlsx",
            is_external=True,
            id="people-export",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _row(person: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(person["employee_no"]),
        rx.table.cell(person["name"]),
        rx.table.cell(person["phone"]),
        rx.table.cell(person["department"]),
        rx.table.cell(person["badge_card_no"]),
        rx.table.cell(
            rx.cond(
                person["active"],
                rx.badge(tr("people.active"), color_scheme="green"),
                rx.badge(tr("people.disabled"), color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                PeopleState.can_write,
                rx.hstack(
                    rx.button(
                        tr("people.edit"),
                        size="1",
                        variant="ghost",
                        on_click=PeopleState.open_form(person["id"]),
                    ),
                    rx.button(
                        tr("access.title"),
                        size="1",
                        variant="ghost",
                        on_click=PersonAccessState.open_for(person["id"]),
                        id="person-access-" + person["id"].to(str),
                    ),
                    rx.button(
                        rx.cond(person["active"], tr("people.disable"), tr("people.enable")),
                        size="1",
                        variant="ghost",
                        color_scheme=rx.cond(person["active"], "red", "green"),
                        on_click=PeopleState.set_active(person["id"], ~person["active"]),
                    ),
                ),
            )
        ),
    )


def _table() -> rx.Component:
    headers = ("field.employee_no", "field.name", "field.phone", "field.department")
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *(rx.table.column_header_cell(tr(k)) for k in headers),
                    rx.table.column_header_cell(tr("field.badge_card_no")),
                    rx.table.column_header_cell(tr("common.status")),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(rx.foreach(PeopleState.rows, _row)),
            width="100%",
            id="people-table",
        ),
        overflow_x="auto",
        width="100%",
    )


def _field(name: str, value: rx.Var, **props) -> rx.Component:
    return labelled_input(
        name, f"field.{name}", input_id=f"person-{name}", default_value=value, **props
    )


def _person_form() -> rx.Component:
    row = PeopleState.editing_row
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(PeopleState.editing_id, tr("people.edit"), tr("people.new"))),
            rx.form(
                rx.vstack(
                    _field("name", row["name"], required=True),
                    _field("employee_no", row["employee_no"]),
                    _field("phone", row["phone"]),
                    _field("email", row["email"]),
                    _field("badge_card_no", row["badge_card_no"]),
                    rx.vstack(
                        rx.text(tr("field.department"), size="2", weight="medium"),
                        rx.el.select(
                            rx.el.option("—", value=""),
                            rx.foreach(
                                PeopleState.departments,
                                lambda d: rx.el.option(d["label"], value=d["id"]),
                            ),
                            name="department_id",
                            default_value=row["department_id"],
                            style={"width": "100%", "padding": "0.4rem"},
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.cond(
                        PeopleState.form_error != "",
                        rx.callout(
                            PeopleState.form_error,
                            color_scheme="red",
                            id="person-error",
                            width="100%",
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            tr("common.cancel"),
                            variant="soft",
                            type="button",
                            on_click=PeopleState.close_form,
                        ),
                        rx.button(tr("common.save"), type="submit", id="person-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=PeopleState.save_person,
                key=PeopleState.editing_id,
            ),
            max_width="30rem",
        ),
        open=PeopleState.form_open,
    )


def _import_errors() -> rx.Component:
    return rx.cond(
        ImportState.error_count > 0,
        rx.vstack(
            rx.callout(
                tr("import.has_errors")
                .to(str)
                .replace("{errors}", ImportState.error_count.to(str)),
                color_scheme="red",
                icon="triangle-alert",
                id="import-has-errors",
                width="100%",
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(tr("import.row")),
                            rx.table.column_header_cell(tr("import.column")),
                            rx.table.column_header_cell(tr("import.reason")),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            ImportState.errors,
                            lambda e: rx.table.row(
                                rx.table.cell(e["row"]),
                                rx.table.cell(e["column"]),
                                rx.table.cell(e["reason"]),
                            ),
                        )
                    ),
                    size="1",
                    id="import-errors",
                ),
                max_height="16rem",
                overflow_y="auto",
                width="100%",
            ),
            width="100%",
        ),
    )


def _import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("people.import")),
            rx.vstack(
                rx.hstack(
                    rx.text(tr("import.hint"), size="2", color=rx.color("gray", 11)),
                    rx.link(
                        tr("import.template"),
                        href="/api/org/users/template.xlsx",
                        is_external=True,
                        id="import-template",
                    ),
                ),
                rx.upload.root(
                    rx.vstack(
                        rx.icon("file-spreadsheet", size=28, color=rx.color("accent", 9)),
                        rx.text(tr("import.drop"), size="2"),
                        align="center",
                    ),
                    id=UPLOAD_ID,
                    accept={
                        "text/csv": [".csv"],
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [
                            ".xlsx"
                        ],
                    },
                    max_files=1,
                    on_drop=ImportState.upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    border=f"1px dashed {rx.color('accent', 8)}",
                    padding="1.25rem",
                    width="100%",
                    border_radius="8px",
                ),
                rx.cond(
                    ImportState.busy,
                    rx.vstack(
                        rx.text(
                            rx.cond(
                                ImportState.phase == "write",
                                tr("import.writing"),
                                tr("import.checking"),
                            ),
                            size="2",
                        ),
                        rx.progress(value=ImportState.percent, max=100, id="import-progress"),
                        width="100%",
                    ),
                ),
                rx.cond(
                    ImportState.file_error != "",
                    rx.callout(ImportState.file_error, color_scheme="red", id="import-file-error"),
                ),
                rx.cond(
                    (ImportState.total_rows > 0) & ~ImportState.busy,
                    rx.text(
                        tr("import.summary")
                        .to(str)
                        .replace("{total}", ImportState.total_rows.to(str))
                        .replace("{created}", ImportState.creates.to(str))
                        .replace("{updated}", ImportState.updates.to(str)),
                        id="import-summary",
                        size="2",
                    ),
                ),
                _import_errors(),
                rx.hstack(
                    rx.button(
                        tr("common.cancel"), variant="soft", on_click=ImportState.close_dialog
                    ),
                    rx.button(
                        tr("import.commit"),
                        on_click=ImportState.commit,
                        disabled=(ImportState.total_rows == 0)
                        | (ImportState.error_count > 0)
                        | ImportState.busy
                        | ImportState.finished,
                        id="import-commit",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="44rem",
        ),
        open=ImportState.open,
    )


def people_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.users"), size="6"),
        _toolbar(),
        _table(),
        pager(PeopleState, "people"),
        _person_form(),
        _import_dialog(),
        access_dialog(),
        spacing="4",
        width="100%",
        id="people",
        data_loaded=PeopleState.loaded.to(str),
    )


people_page = console_page(people_body)
