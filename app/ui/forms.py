"""A form the browser submits itself (a real POST and navigation).

`rx.el.form` always prevents the default submit to route it over the websocket. Sign-in and
sign-out must instead reach the REST routes as ordinary requests so that the responses can set
and clear HttpOnly cookies, which no script (ours included) can touch.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    tag = "form"
    action: rx.Var[str]
    method: rx.Var[str]


native_form = NativeForm.create
