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


def _required_mark(required: bool) -> rx.Component:
    """The red asterisk before a required field's label (as admin consoles mark them)."""
    if not required:
        return rx.fragment()
    return rx.el.span("* ", style={"color": "var(--red-9)"}, aria_hidden="true")


def labelled_input(
    name: str, label_key: str, *, input_id: str, mark_required: bool = False, **props
) -> rx.Component:
    """A translated label above an input that submits as `name` (the one form-field look);
    with `mark_required` a `required` input's label carries the red mark (a console form's
    way; a sign-in page leaves it out)."""
    return rx.vstack(
        rx.el.label(
            _required_mark(mark_required and bool(props.get("required"))),
            tr(label_key),
            html_for=input_id,
            style={"fontSize": "0.9rem"},
        ),
        rx.input(name=name, id=input_id, width="100%", **props),
        spacing="1",
        width="100%",
    )


NATIVE_SELECT = {"width": "100%", "padding": "0.4rem"}  # a dialog's full-width native select


def labelled(
    label_key: str, control: rx.Component, *, required: bool = False, **props
) -> rx.Component:
    """A translated label above any control (a select, a text input with its own props)."""
    return rx.vstack(
        rx.text(_required_mark(required), tr(label_key), size="2", weight="medium"),
        control,
        spacing="1",
        width="100%",
        **props,
    )


def form_error(message: rx.Var, error_id: str) -> rx.Component:
    """A dialog's refusal, shown while there is one."""
    return rx.cond(
        message != "", rx.callout(message, color_scheme="red", id=error_id, width="100%")
    )


def dialog_buttons(on_cancel, save_key: str, save_id: str) -> rx.Component:
    """Cancel (closes without submitting) and the submit button, at the dialog's right."""
    return rx.hstack(
        rx.button(tr("common.cancel"), variant="soft", type="button", on_click=on_cancel),
        rx.button(tr(save_key), type="submit", id=save_id),
        justify="end",
        width="100%",
    )


def confirmed(
    trigger: rx.Component,
    *,
    title_key: str,
    text_key: str,
    subject: rx.Var | str,
    confirm_key: str,
    on_confirm,
    confirm_id: str,
) -> rx.Component:
    """`trigger` asks first: a small dialog names what is about to go (`subject`), with Cancel
    and a red button (`confirm_key`: the action's own word) that runs `on_confirm`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tr(title_key)),
            rx.alert_dialog.description(tr(text_key), size="2"),
            rx.text(subject, weight="bold", margin_top="0.5rem"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(tr("common.cancel"), variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        tr(confirm_key), color_scheme="red", on_click=on_confirm, id=confirm_id
                    )
                ),
                justify="end",
                margin_top="1rem",
            ),
            max_width="26rem",
        ),
    )
