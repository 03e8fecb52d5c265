"""The console's quotas page: the rules in words, switched on and off, edited or deleted from
their row, and one dialog with labelled fields for a new or changed rule."""

from __future__ import annotations

import reflex as rx

from app.quotas.state.quotas import QuotasState as S
from app.ui.forms import NATIVE_SELECT, confirmed, dialog_buttons, form_error, labelled
from app.ui.locale import tr
from app.ui.shell import console_page
from app.ui.tables import data_table

SUBJECTS = ("tenant", "department", "role")
TARGETS = ("all", "item", "item_type", "tag")
PERIODS = ("day", "week", "month")
POLICIES = ("flag", "notify_manager", "block_next", "require_approval")
LIMITS = ("count", "cost")


def _label(group: str, value: rx.Var, values: tuple[str, ...]) -> rx.Var:
    """The words of a rule's `group` (subject, target, period, policy) for `value`."""
    return rx.match(value, *[(v, tr(f"quotas.{group}.{v}")) for v in values], value)


def _delete(rule: rx.Var) -> rx.Component:
    """Delete, after a confirmation; a rule already counted against can only be switched off."""
    return rx.cond(
        rule["used"].to(bool),
        rx.tooltip(
            rx.box(
                rx.button(tr("quotas.delete"), size="1", variant="ghost", disabled=True),
                class_name="quota-delete-locked",
            ),
            content=tr("quotas.in_use"),
        ),
        confirmed(
            rx.button(
                tr("quotas.delete"),
                size="1",
                variant="ghost",
                color_scheme="red",
                class_name="quota-delete",
            ),
            title_key="quotas.delete_title",
            text_key="quotas.delete_confirm",
            subject=rule["name"],
            confirm_key="quotas.delete",
            on_confirm=S.delete(rule["id"]),
            confirm_id="quota-delete-confirm",
        ),
    )


def _actions(rule: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.button(
            tr("quotas.edit"),
            size="1",
            variant="ghost",
            on_click=S.open_edit(rule["id"]),
            class_name="quota-edit",
        ),
        _delete(rule),
        spacing="2",
    )


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
        rx.table.cell(rx.cond(S.can_write, _actions(rule))),
        class_name="quota-row",
    )


def _select(name: str, values: tuple[str, ...], group: str, *extra, **props) -> rx.Component:
    """A native select of a rule's fixed choices (the dialog opens on the rule's own value)."""
    return rx.el.select(
        *[rx.el.option(tr(f"quotas.{group}.{v}"), value=v) for v in values],
        *extra,
        name=name,
        default_value=S.form[name].to(str),
        id=f"quota-{name}",
        style=NATIVE_SELECT,
        **props,
    )


def _kind(name: str, values: tuple[str, ...], group: str, *extra) -> rx.Component:
    """A kind whose pick the dialog follows (which names it offers beside it)."""
    return _select(name, values, group, *extra, on_change=lambda v: S.pick_kind(name, v))


def _subject_kind() -> rx.Component:
    """Everyone, a department or a role. A rule made for one person (by the API or an import)
    keeps its kind when edited here; the dialog does not offer new per-person rules."""
    person = rx.cond(
        S.form["subject_kind"] == "user",
        rx.el.option(tr("quotas.subject.user"), value="user"),
    )
    return _kind("subject_kind", SUBJECTS, "subject", person)


def _names(field: str, kind_field: str, kinds: tuple[str, ...]) -> rx.Component:
    """The department / role / item / type / tag a rule names, for the kind picked."""

    def choices(kind: str) -> rx.Component:
        return labelled(
            f"quotas.{'subject' if field == 'subject' else 'target'}.{kind}",
            rx.el.select(
                rx.el.option(tr("quotas.choose"), value=""),
                rx.foreach(S.options[kind], lambda o: rx.el.option(o["name"], value=o["id"])),
                name=field,
                default_value=S.form[field].to(str),
                id=f"quota-{field}-id",
                style=NATIVE_SELECT,
            ),
            required=True,
        )

    return rx.match(S.form[kind_field], *[(k, choices(k)) for k in kinds], rx.fragment())


def _rule_form() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(S.form["id"].to(int) > 0, tr("quotas.edit_rule"), tr("quotas.new"))
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "quotas.field.name",
                        rx.input(
                            name="name",
                            default_value=S.form["name"].to(str),
                            id="quota-name",
                            width="100%",
                            max_length=80,
                        ),
                        required=True,
                    ),
                    rx.grid(
                        labelled(
                            "quotas.field.subject_kind",
                            _subject_kind(),
                        ),
                        _names("subject", "subject_kind", ("department", "role", "user")),
                        labelled(
                            "quotas.field.target_kind", _kind("target_kind", TARGETS, "target")
                        ),
                        _names("target", "target_kind", ("item", "item_type", "tag")),
                        labelled("quotas.field.period", _select("period", PERIODS, "period")),
                        labelled(
                            "quotas.field.over_policy", _select("over_policy", POLICIES, "policy")
                        ),
                        labelled("quotas.field.limit_kind", _kind("limit_kind", LIMITS, "limit")),
                        labelled(
                            "quotas.field.limit_value",
                            rx.input(
                                rx.input.slot(
                                    rx.cond(
                                        S.form["limit_kind"] == "cost",
                                        tr("quotas.unit.yuan"),
                                        tr("quotas.unit.count"),
                                    ),
                                    side="right",
                                ),
                                name="limit_value",
                                default_value=S.form["limit_value"].to(str),
                                id="quota-limit",
                                width="100%",
                                input_mode="decimal",
                            ),
                            required=True,
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        gap="0.75rem",
                        width="100%",
                    ),
                    form_error(S.form_error, "quota-form-error"),
                    dialog_buttons(S.close, "common.save", "quota-save"),
                    spacing="3",
                ),
                on_submit=S.save,
                reset_on_submit=False,
                key=S.form["id"].to(str),
            ),
            max_width="36rem",
            id="quota-dialog",
        ),
        open=S.editing,
    )


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.heading(tr("nav.quotas"), size="6"),
        rx.spacer(),
        rx.cond(
            S.can_write,
            rx.button(
                rx.icon("plus", size=14), tr("quotas.new"), on_click=S.open_new, id="quota-new"
            ),
        ),
        align="center",
        gap="0.75rem",
        width="100%",
    )


def quotas_body() -> rx.Component:
    return rx.vstack(
        _toolbar(),
        rx.text(tr("quotas.explain"), size="2", color=rx.color("gray", 11)),
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
                "quotas.actions",
            ),
            S.rules,
            _row,
            "quota-table",
        ),
        _rule_form(),
        spacing="4",
        width="100%",
        id="quotas",
        data_loaded=S.loaded.to(str),
    )


quotas_page = console_page(quotas_body)
