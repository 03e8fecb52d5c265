"""A form the browser submits itself (a real POST and navigation).

`rx.el.form` always prevents the default submit to route it over the websocket. Sign-in and
sign-out must instead reach the REST routes as ordinary requests so that the responses can set
and clear HttpOnly cookies, which no script (ours included) can touch.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.el.elements.base import BaseHTML

from app.ui.locale import tr


class NativeForm(BaseHTML):
    tag = "form"
    action: rx.Var[str]
    method: rx.Var[str]


native_form = NativeForm.create


def labelled_input(name: str, label_key: str, *, input_id: str, **props) -> rx.Component:
    """A translated label above an input that submits as `name` (the one form-field look)."""
    return rx.vstack(
        rx.el.label(tr(label_key), html_for=input_id, style={"fontSize": "0.9rem"}),
        rx.input(name=name, id=input_id, width="100%", **props),
        spacing="1",
        width="100%",
    )


NATIVE_SELECT = {"width": "100%", "padding": "0.4rem"}  # a dialog's full-width native select


def labelled(label_key: str, control: rx.Component) -> rx.Component:
    """A translated label above any control (a select, a text input with its own props)."""
    return rx.vstack(
        rx.text(tr(label_key), size="2", weight="medium"), control, spacing="1", width="100%"
    )


def form_error(message: rx.Var, error_id: str) -> rx.Component:
    """A dialog's refusal, shown while there is one."""
    return rx.cond(
        message != "", rx.callout(message, color_scheme="red", id=error_id, width="100%")
    )


def dialog_buttons(on_cancel, save_key: str, save_id: str) -> rx.Component:
    """Cancel (closes without submitting) and the submit button, at the dialog's right."""
    return rx.hstack(
        rx.button(tr("people.cancel"), variant="soft", type="button", on_click=on_cancel),
        rx.button(tr(save_key), type="submit", id=save_id),
        justify="end",
        width="100%",
    )
