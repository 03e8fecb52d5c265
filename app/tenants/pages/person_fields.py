"""The dialog fields of a person who will sign in (a tenant's or provider's first admin, a
provider's staff member): name, username, phone, first password — one look on every page."""

from __future__ import annotations

import reflex as rx

from app.ui.forms import labelled
from app.ui.locale import tr


def _input(name: str, key: str, prefix: str, *, required: bool = True, **props) -> rx.Component:
    return labelled(
        key,
        rx.input(name=name, id=f"{prefix}-{name}", width="100%", required=required, **props),
        required=required,
    )


def person_fields(prefix: str) -> rx.Component:
    return rx.vstack(
        rx.text(tr("onboard.first_admin"), weight="bold", size="2"),
        rx.text(tr("onboard.first_admin_help"), size="1", color=rx.color("gray", 11)),
        rx.grid(
            _input("admin_name", "onboard.admin_name", prefix, max_length=60),
            _input("admin_username", "field.username", prefix, max_length=64),
            _input("admin_phone", "onboard.admin_phone", prefix, required=False, max_length=20),
            _input(
                "admin_password",
                "onboard.admin_password",
                prefix,
                type="password",
                auto_complete="new-password",
                max_length=128,
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def text_field(
    form: rx.Var, name: str, key: str, prefix: str, *, required: bool = False, **props
) -> rx.Component:
    """A labelled input that opens on the form's value of `name`."""
    return labelled(
        key,
        rx.input(
            name=name,
            id=f"{prefix}-{name}",
            default_value=form[name].to(str),
            width="100%",
            required=required,
            **props,
        ),
        required=required,
    )


def created_admin(created: rx.Var, callout_id: str) -> rx.Component:
    """Said once after a create: the first admin's sign-in, to hand over."""
    return rx.cond(
        created != "",
        rx.callout(
            rx.hstack(tr("onboard.created_admin"), rx.code(created), align="center"),
            icon="user-check",
            color_scheme="green",
            id=callout_id,
            width="100%",
        ),
    )
