"""The approval flows on the approvals page: each flow with its steps in order, and (with
`approval:configure`) a dialog to create or change one."""

from __future__ import annotations

import reflex as rx

from app.approvals.services.flows import MAX_STEPS
from app.approvals.state.flows import FlowsState as F
from app.ui.forms import NATIVE_SELECT, dialog_buttons, form_error, labelled
from app.ui.locale import tr

TRIGGERS = ("over_quota", "restricted_item", "amount")


def _step(step: rx.Var) -> rx.Component:
    return rx.text.span(
        "→ ",
        rx.match(
            step["kind"],
            ("department_manager", tr("approvals.step.department_manager")),
            ("role", tr("approvals.step.role")),
            tr("approvals.step.user"),
        ),
        rx.cond(
            step["name"] != "", rx.text.span(tr("quote.open"), step["name"], tr("quote.close"))
        ),
        " ",
    )


def _flow(flow: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(flow["name"], weight="bold"),
        rx.badge(
            rx.match(flow["trigger"], *[(v, tr(f"approvals.trigger.{v}")) for v in TRIGGERS], "")
        ),
        rx.cond(
            flow["trigger"] == "amount",
            rx.text("≥ ¥", flow["amount"], size="2"),
        ),
        rx.text(rx.foreach(flow["steps"].to(list[dict]), _step), size="2", color="gray"),
        rx.cond(
            flow["active"].to(bool),
            rx.fragment(),
            rx.badge(tr("approvals.flow_off"), color_scheme="gray"),
        ),
        rx.cond(
            F.can_configure,
            rx.button(
                tr("approvals.edit_flow"),
                size="1",
                variant="soft",
                on_click=F.start_edit(flow["id"]),
                class_name="flow-edit",
            ),
        ),
        class_name="flow-row",
        wrap="wrap",
        align="center",
    )


def _step_select(number: int) -> rx.Component:
    return labelled(
        f"approvals.field.step{number}",
        rx.el.select(
            rx.foreach(F.step_choices, lambda c: rx.el.option(c["label"], value=c["value"])),
            name=f"step{number}",
            default_value=F.form["steps"].to(list[str])[number - 1],
            id=f"flow-step{number}",
            style=NATIVE_SELECT,
        ),
    )


def _flow_form() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(F.form["id"], tr("approvals.edit_flow"), tr("approvals.new_flow"))
            ),
            rx.form(
                rx.vstack(
                    labelled(
                        "approvals.field.name",
                        rx.input(
                            name="name", default_value=F.form["name"], id="flow-name", width="100%"
                        ),
                    ),
                    labelled(
                        "approvals.field.trigger",
                        rx.el.select(
                            *[
                                rx.el.option(tr(f"approvals.trigger.{v}"), value=v)
                                for v in TRIGGERS
                            ],
                            name="trigger",
                            default_value=F.form["trigger"],
                            id="flow-trigger",
                            style=NATIVE_SELECT,
                        ),
                    ),
                    labelled(
                        "approvals.field.min_amount",
                        rx.input(
                            name="amount",
                            default_value=F.form["amount"],
                            id="flow-amount",
                            width="100%",
                        ),
                    ),
                    *[_step_select(n) for n in range(1, MAX_STEPS + 1)],
                    rx.hstack(
                        rx.checkbox(
                            name="active",
                            default_checked=F.form["active"].to(bool),
                            id="flow-active",
                        ),
                        rx.text(tr("approvals.flow_on"), size="2"),
                    ),
                    form_error(F.message, "flow-error"),
                    dialog_buttons(F.close, "common.save", "flow-save"),
                    spacing="3",
                ),
                on_submit=F.save,
                key=F.form["id"].to(str),
            ),
            max_width="32rem",
        ),
        open=F.editing,
    )


def flows_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(tr("approvals.flows"), size="4"),
            rx.cond(
                F.can_configure,
                rx.button(
                    rx.icon("plus", size=14),
                    tr("approvals.new_flow"),
                    size="1",
                    on_click=F.start_new,
                    id="flow-new",
                ),
            ),
            align="center",
        ),
        rx.vstack(rx.foreach(F.flows, _flow), id="approval-flows", spacing="2"),
        _flow_form(),
        spacing="2",
        width="100%",
    )
