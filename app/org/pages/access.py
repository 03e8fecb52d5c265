"""The person access dialog on the people page: roles, cabinet PIN, password reset."""

from __future__ import annotations

import reflex as rx

from app.org.state.access import PersonAccessState
from app.ui.locale import LocaleState, tr


def _role(option: rx.Var) -> rx.Component:
    label = rx.cond(option["builtin"], LocaleState.tr["role." + option["code"]], option["name"])
    return rx.hstack(
        rx.checkbox(
            checked=PersonAccessState.held.contains(option["id"]),
            on_change=lambda held: PersonAccessState.toggle_role(option["id"], held),
            id="access-role-" + option["code"],
        ),
        rx.text(label, size="2"),
        align="center",
    )


def _one_field_form(name: str, kind: str, label: str, button: str, handler) -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name=name,
                type=kind,
                placeholder=tr(label),
                id=f"access-{name}",
                auto_complete="new-password",
                width="100%",
            ),
            rx.button(tr(button), type="submit", variant="soft", id=f"access-{name}-save"),
            width="100%",
        ),
        on_submit=handler,
        reset_on_submit=True,
        width="100%",
    )


def access_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("access.title"), " · ", PersonAccessState.name),
            rx.vstack(
                rx.text(tr("field.pin"), weight="medium", size="2"),
                _one_field_form(
                    "pin", "password", "access.pin_hint", "common.save", PersonAccessState.set_pin
                ),
                rx.cond(
                    PersonAccessState.has_account,
                    rx.vstack(
                        rx.text(tr("field.role"), weight="medium", size="2"),
                        rx.flex(
                            rx.foreach(PersonAccessState.role_options, _role),
                            gap="1rem",
                            wrap="wrap",
                        ),
                        rx.text(tr("field.password"), weight="medium", size="2"),
                        _one_field_form(
                            "password",
                            "password",
                            "org.weak_password",
                            "access.reset",
                            PersonAccessState.reset_password,
                        ),
                        width="100%",
                    ),
                    rx.text(tr("access.no_account"), size="2", color=rx.color("gray", 11)),
                ),
                rx.cond(
                    PersonAccessState.message != "",
                    rx.callout(
                        PersonAccessState.message,
                        id="access-message",
                        width="100%",
                        color_scheme=rx.cond(PersonAccessState.failed, "red", "green"),
                    ),
                ),
                rx.hstack(
                    rx.button(tr("access.close"), variant="soft", on_click=PersonAccessState.close),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="32rem",
        ),
        open=PersonAccessState.open,
    )
