"""The audit log page (审计日志)."""

from __future__ import annotations

import reflex as rx

from app.audit.state.audit import AuditState
from app.ui.locale import LocaleState, tr
from app.ui.paging import pager
from app.ui.shell import console_page

ACTION_CHOICES = (
    ("", "audit.any_action"),
    ("auth.", "audit.group_auth"),
    ("app_user.", "audit.group_users"),
    ("department.", "audit.group_departments"),
    ("phone_whitelist.", "audit.group_whitelist"),
    ("role.", "audit.group_roles"),
    ("cabinet.", "audit.group_cabinets"),
    ("item.", "audit.group_items"),
    ("quota_rule.", "audit.group_quotas"),
    ("approval.", "audit.group_approvals"),
    ("withdrawal.", "audit.group_withdrawals"),
    ("work_order.", "audit.group_workorders"),
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
                rx.icon("search", size=14), tr("common.filter"), type="submit", id="audit-filter"
            ),
            gap="0.6rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=AuditState.apply_filters,
        width="100%",
    )


CELL = {"padding": "0.15rem 0.5rem", "borderTop": "1px solid var(--gray-a4)", "textAlign": "left"}


def _change(change: rx.Var) -> rx.Component:
    return rx.fragment(
        rx.el.div(change["field"], style={**CELL, "color": "var(--gray-11)"}),
        rx.el.div(change["before"], style={**CELL, "color": "var(--red-11)"}),
        rx.el.div(change["after"], style={**CELL, "color": "var(--grass-11)"}),
    )


def _changes(entry: rx.Var) -> rx.Component:
    """The changed fields as field | before | after (no JSON). A grid, not a nested table: the
    phone's table-as-cards labelling reads every table's header cells."""
    head = {"padding": "0.15rem 0.5rem", "fontWeight": "500", "whiteSpace": "nowrap"}
    return rx.cond(
        entry["changes"].length() > 0,
        rx.el.div(
            *(
                rx.el.div(tr(k), class_name="audit-diff-head", style=head)
                for k in ("audit.field", "audit.before", "audit.after")
            ),
            rx.foreach(entry["changes"], _change),
            class_name="audit-diff",
            style={
                "display": "grid",
                "gridTemplateColumns": "auto auto auto",
                "fontSize": "0.78rem",
                "wordBreak": "break-word",
                "textAlign": "left",
            },
        ),
        rx.text(tr("audit.no_changes"), size="1", color="gray"),
    )


def _row(entry: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(entry["time"], white_space="nowrap"),
        rx.table.cell(entry["tenant"], min_width="6rem"),
        rx.table.cell(rx.text(entry["actor"], weight="medium"), min_width="6rem"),
        rx.table.cell(entry["action"], min_width="6rem"),
        rx.table.cell(entry["target"], min_width="8rem", class_name="audit-target"),
        rx.table.cell(_changes(entry), max_width="26rem"),
        rx.table.cell(entry["ip"]),
    )


def _table() -> rx.Component:
    headers = (
        "audit.time",
        "field.tenant",
        "audit.who",
        "audit.did",
        "audit.what",
        "audit.changes",
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
        rx.cond(
            AuditState.loaded & (AuditState.rows.length() == 0),
            rx.text(tr("audit.empty"), color="gray", size="2", padding="1rem"),
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
        # one of the two is mounted per language, so a switch mounts the other: the rows follow
        rx.cond(
            LocaleState.locale == "en",
            rx.box(on_mount=AuditState.relocalise, display="none", id="audit-lang-en"),
            rx.box(on_mount=AuditState.relocalise, display="none", id="audit-lang-zh"),
        ),
        spacing="4",
        width="100%",
        id="audit",
        data_loaded=AuditState.loaded.to(str),
    )


audit_page = console_page(audit_body)
