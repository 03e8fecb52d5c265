"""The platform's tenants page: the list, and one dialog that onboards a tenant (with its first
admin's sign-in) or changes one — its provider, contract, language or status."""

from __future__ import annotations

import reflex as rx

from app.tenants.pages.person_fields import created_admin, person_fields, text_field
from app.tenants.state.tenants import TenantsState as S
from app.ui.dialog_list import list_heading, row_dialog
from app.ui.forms import NATIVE_SELECT, labelled
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table, row_action

STATUS_COLOUR = {"trial": "blue", "active": "green", "suspended": "gray"}


def status_badge(status: rx.Var, group: str) -> rx.Component:
    return rx.match(
        status,
        *[
            (s, rx.badge(tr(f"{group}.{s}"), color_scheme=colour))
            for s, colour in STATUS_COLOUR.items()
        ],
        rx.badge(status),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["code"])),
        rx.table.cell(rx.text(row["name"], weight="medium"), rx.text(row["legal_name"], size="1")),
        rx.table.cell(row["provider"]),
        rx.table.cell(status_badge(row["status"], "tenant_status")),
        rx.table.cell(
            rx.cond(
                (row["contract_start"] != "") | (row["contract_end"] != ""),
                rx.text(row["contract_start"], " – ", row["contract_end"]),
                "",
            )
        ),
        rx.table.cell(row["cabinets"]),
        rx.table.cell(row["people"]),
        rx.table.cell(row_action("onboard.edit", S.edit(row["id"]), class_name="tenant-edit")),
        class_name="tenant-row",
        data_code=row["code"],
    )


def _select(name: str, options: list[tuple[str, str]], **props) -> rx.Component:
    return rx.el.select(
        *[rx.el.option(tr(key), value=value) for value, key in options],
        name=name,
        default_value=S.form[name].to(str),
        id=f"tenant-{name}",
        style=NATIVE_SELECT,
        **props,
    )


def _statuses() -> rx.Component:
    """Trial or active for a new tenant; suspended too once it exists."""
    offered = [("trial", "tenant_status.trial"), ("active", "tenant_status.active")]
    suspended = ("suspended", "tenant_status.suspended")
    return rx.cond(
        S.editing_id > 0,
        _select("status", [*offered, suspended]),
        _select("status", offered),
    )


def _form() -> rx.Component:
    field = lambda name, key, **p: text_field(S.form, name, key, "tenant", **p)  # noqa: E731
    return row_dialog(
        S,
        titles=("onboard.new_tenant", "onboard.edit_tenant"),
        body=[
            rx.grid(
                field("code", "onboard.tenant_code", required=True, max_length=32),
                field("name", "onboard.tenant_name", required=True, max_length=120),
                field("legal_name", "field.legal_name", max_length=160),
                labelled(
                    "field.provider",
                    rx.el.select(
                        rx.el.option(tr("onboard.no_provider_yet"), value=""),
                        rx.foreach(
                            S.providers,
                            lambda p: rx.el.option(p["name"], value=p["id"]),
                        ),
                        name="provider_id",
                        default_value=S.form["provider_id"].to(str),
                        id="tenant-provider_id",
                        style=NATIVE_SELECT,
                    ),
                ),
                field("timezone", "field.timezone", required=True, max_length=64),
                labelled(
                    "field.locale",
                    _select("locale", [("zh-CN", "onboard.zh"), ("en", "onboard.en")]),
                ),
                field("contract_start", "field.contract_start", type="date"),
                field("contract_end", "field.contract_end", type="date"),
                labelled("field.status", _statuses()),
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="0.75rem",
                width="100%",
            ),
            rx.cond(S.editing_id == 0, person_fields("tenant")),
        ],
        prefix="tenant",
        error_id="tenant-form-error",
    )


def tenants_body() -> rx.Component:
    return rx.vstack(
        list_heading("nav.platform_tenants", "onboard.new_tenant", S.start, "tenant-new"),
        rx.text(tr("onboard.tenants_explain"), size="2", color=rx.color("gray", 11)),
        created_admin(S.created, "tenant-created"),
        data_table(
            (
                "onboard.tenant_code",
                "onboard.tenant_name",
                "field.provider",
                "field.status",
                "onboard.contract",
                "onboard.cabinets",
                "onboard.people",
                "onboard.actions",
            ),
            S.rows,
            _row,
            "tenant-table",
            empty_key="onboard.no_tenants",
        ),
        _form(),
        spacing="4",
        width="100%",
        id="tenants",
        data_loaded=S.loaded.to(str),
    )


tenants_page = console_page(tenants_body)
