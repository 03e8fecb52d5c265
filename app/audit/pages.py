"""The audit log page (审计日志)."""

from __future__ import annotations

import reflex as rx

from app.audit.state import AuditState
from app.ui.locale import tr
from app.ui.paging import pager
from app.ui.shell import console_page

ACTION_CHOICES = (
    ("", "audit.any_action"),
    ("auth.", "audit.group_auth"),
    ("app_user.", "audit.group_users"),
    ("department.", "audit.group_departments"),
    ("phone_whitelist.", "audit.group_whitelist"),
    ("role.", "audit.group_roles"),
)


def _filters() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.select(
                *(rx.el.option(tr(key), value=value) for value, key in ACTION_CHOICES),
                name="action",
                default_value=AuditState.action,
                id="audit-action",
                style={"padding": "0.45rem", "borderRadius": "6px"},
            ),
            rx.input(
                name="actor",
                placeholder=tr("audit.actor"),
                default_value=AuditState.actor,
                id="audit-actor",
            ),
            rx.input(
                name="entity_id",
                placeholder=tr("audit.target_id"),
                default_value=AuditState.entity_id,
                width="8rem",
            ),
            rx.input(name="since", type="date", default_value=AuditState.since, id="audit-since"),
            rx.input(name="until", type="date", default_value=AuditState.until, id="audit-until"),
            rx.button(
                rx.icon("search", size=14), tr("people.filter"), type="submit", id="audit-filter"
            ),
            gap="0.6rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=AuditState.apply_filters,
        width="100%",
    )


def _row(entry: rx.Var) -> rx.Component:
    code = {"fontFamily": "monospace", "fontSize": "0.78rem", "wordBreak": "break-all"}
    return rx.table.row(
        rx.table.cell(entry["time"], white_space="nowrap"),
        rx.table.cell(entry["tenant"], min_width="7rem"),
        rx.table.cell(entry["actor"], white_space="nowrap"),
        rx.table.cell(entry["action"], white_space="nowrap"),
        rx.table.cell(entry["target"], white_space="nowrap"),
        rx.table.cell(rx.text(entry["before"], style=code), max_width="18rem"),
        rx.table.cell(rx.text(entry["after"], style=code), max_width="18rem"),
        rx.table.cell(entry["ip"]),
    )


def _table() -> rx.Component:
    headers = (
        "audit.time",
        "field.tenant",
        "audit.actor",
        "audit.action",
        "audit.target",
        "audit.before",
        "audit.after",
        "audit.ip",
    )
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*(rx.table.column_header_cell(tr(k)) for k in headers))),
            rx.table.body(rx.foreach(AuditState.rows, _row)),
            size="1",
            width="100%",
            id="audit-table",
        ),
        overflow_x="auto",
        width="100%",
    )


def audit_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("nav.audit"), size="6"),
            rx.cond(
                AuditState.unmasked,
                rx.badge(tr("audit.unmasked"), color_scheme="amber", id="audit-unmasked"),
                rx.badge(tr("audit.masked"), color_scheme="gray", id="audit-masked"),
            ),
            align="center",
        ),
        _filters(),
        _table(),
        pager(AuditState, "audit"),
        spacing="4",
        width="100%",
        id="audit",
        data_loaded=AuditState.loaded.to(str),
    )


audit_page = console_page(audit_body)
