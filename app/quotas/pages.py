"""The console's quotas page: the rules in words, switched on and off, and a new rule."""

from __future__ import annotations

import reflex as rx

from app.quotas.state import QuotasState as S
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table

SUBJECTS = ("tenant", "department", "role")
TARGETS = ("all", "item", "item_type", "tag")
PERIODS = ("day", "week", "month")
POLICIES = ("flag", "notify_manager", "block_next", "require_approval")


def _label(group: str, value: rx.Var, values: tuple[str, ...]) -> rx.Var:
    """The words of a rule's `group` (subject, target, period, policy) for `value`."""
    return rx.match(value, *[(v, tr(f"quotas.{group}.{v}")) for v in values], value)


def _row(rule: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rule["name"]),
        rx.table.cell(
            _label("subject", rule["subject_kind"], (*SUBJECTS, "user")),
            " ",
            rule["subject"],
        ),
        rx.table.cell(_label("target", rule["target_kind"], TARGETS), " ", rule["target"]),
        rx.table.cell(_label("period", rule["period"], PERIODS)),
        rx.table.cell(rx.cond(rule["limit_kind"] == "cost", "¥", ""), rule["limit"]),
        rx.table.cell(_label("policy", rule["over_policy"], POLICIES)),
        rx.table.cell(
            rx.switch(
                checked=rule["active"].to(bool),
                disabled=~S.can_write,
                on_change=lambda on: S.toggle(rule["id"], on),
                class_name="quota-active",
            )
        ),
        class_name="quota-row",
    )


def _select(name: str, values: tuple[str, ...], group: str, default: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"quota-{name}"),
        rx.select.content(*[rx.select.item(tr(f"quotas.{group}.{v}"), value=v) for v in values]),
        name=name,
        default_value=default,
    )


def _choices(name: str, kinds: tuple[str, ...]) -> rx.Component:
    """The department / role / item / type / tag a rule names (the kind picked beside it)."""
    return rx.select.root(
        rx.select.trigger(placeholder=tr(f"quotas.field.{name}"), id=f"quota-{name}-id"),
        rx.select.content(
            *[
                rx.select.group(
                    rx.select.label(
                        tr(f"quotas.{'subject' if name == 'subject' else 'target'}.{k}")
                    ),
                    rx.foreach(S.options[k], lambda o: rx.select.item(o["name"], value=o["id"])),
                )
                for k in kinds
            ]
        ),
        name=name,
    )


def _new_rule() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(name="name", placeholder=tr("quotas.field.name"), id="quota-name"),
            _select("subject_kind", SUBJECTS, "subject", "tenant"),
            _choices("subject", ("department", "role")),
            _select("target_kind", TARGETS, "target", "all"),
            _choices("target", ("item", "item_type", "tag")),
            _select("period", PERIODS, "period", "month"),
            _select("limit_kind", ("count", "cost"), "limit", "count"),
            rx.input(
                name="limit_value",
                placeholder=tr("quotas.field.limit_value"),
                width="7rem",
                id="quota-limit",
            ),
            _select("over_policy", POLICIES, "policy", "require_approval"),
            rx.button(rx.icon("plus", size=14), tr("quotas.add"), type="submit", id="quota-add"),
            gap="0.5rem",
            wrap="wrap",
            align="center",
        ),
        on_submit=S.create,
        reset_on_submit=False,
    )


def quotas_body() -> rx.Component:
    return rx.vstack(
        rx.heading(tr("nav.quotas"), size="6"),
        rx.cond(S.can_write, _new_rule()),
        rx.cond(S.message != "", rx.callout(S.message, color_scheme="red", id="quota-message")),
        data_table(
            (
                "quotas.field.name",
                "quotas.field.subject",
                "quotas.field.target",
                "quotas.field.period",
                "quotas.field.limit_value",
                "quotas.field.over_policy",
                "quotas.active",
            ),
            S.rules,
            _row,
            "quota-table",
        ),
        spacing="4",
        width="100%",
        id="quotas",
        data_loaded=S.loaded.to(str),
    )


quotas_page = console_page(quotas_body)
