"""A list page whose one dialog makes a row or changes one: its handlers and its dialog, in one
place (the platform's tenants and providers pages, alert routing, webhooks).

A page state mixes in `dialog_list(permission)` — every handler is `@guarded(permission)` —
and says what differs:
- `_load()` reads the page (checking the permission itself: it also runs after a save);
- `_fill_new()` fills the dialog for a new row (the form and any extra fields the page keeps);
- `_fill(principal, row_id)` fills it with a row (False: no such row, the dialog stays shut);
- `_write(principal, form, actor)` makes the row (`editing_id` 0) or changes it, raising a
  DomainError to refuse, which becomes `message` (the field it names in the page's words:
  `_field_name(field, locale)`); `_saved_key()` is the toast after a save ("" for none);
- `_reset()` what else a fresh load clears.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from app.auth.services.principal import Principal
from app.core.errors import DomainError
from app.core.i18n import t
from app.ui.forms import dialog_buttons, form_error
from app.ui.guard import caller, guarded
from app.ui.locale import tr
from app.ui.payload import as_id
from app.ui.session import Actor, actor_of


def dialog_list(permission: str) -> type[rx.State]:
    """The mixin of a one-dialog list page whose handlers all need `permission`."""

    class DialogList(rx.State, mixin=True):
        open: bool = False  # the dialog
        editing_id: int = 0  # the row the dialog changes; 0: it makes a new one
        form: dict = {}
        message: str = ""  # the dialog's refusal, in the reader's language
        loaded: bool = False

        async def _load(self) -> None:
            raise NotImplementedError

        def _fill_new(self) -> None:
            raise NotImplementedError

        async def _fill(self, principal: Principal, row_id: int) -> bool:
            raise NotImplementedError

        async def _write(self, principal: Principal, form: dict, actor: Actor) -> None:
            raise NotImplementedError

        def _field_name(self, field: str, locale: str) -> str:
            """How the page names a field a refusal names (as it is, unless the page says)."""
            return field

        def _refusal(self, refused: DomainError, locale: str) -> str:
            params = dict(refused.params)
            if "field" in params:
                params["field"] = self._field_name(str(params["field"]), locale)
            return t(refused.key, locale, **params)

        def _saved_key(self) -> str:
            return ""

        def _reset(self) -> None:
            return None

        @rx.event
        @guarded(permission)
        async def load(self) -> None:
            self.open, self.message = False, ""
            self._reset()
            await self._load()

        @rx.event
        @guarded(permission)
        async def start(self) -> None:
            self.editing_id = 0
            self._fill_new()
            self.open, self.message = True, ""

        @rx.event
        @guarded(permission)
        async def edit(self, row_id: int) -> None:
            row_id = as_id(row_id)
            if await self._fill(caller().principal, row_id):
                self.editing_id, self.open, self.message = row_id, True, ""

        @rx.event
        @guarded(permission)
        async def close(self) -> None:
            self.open, self.message = False, ""

        @rx.event
        @guarded(permission)
        async def save(self, form: dict) -> AsyncIterator[Any]:
            principal, locale = caller().principal, caller().locale
            try:
                await self._write(principal, form, actor_of(self, principal))
            except DomainError as refused:
                self.message = self._refusal(refused, locale)
                return
            self.open, self.message = False, ""
            await self._load()
            if saved := self._saved_key():
                yield rx.toast(t(saved, locale))

    return DialogList


def list_heading(title_key: str, new_key: str, on_new: Any, new_id: str) -> rx.Component:
    """The page's title, and at its right the button that opens the dialog for a new row."""
    return rx.flex(
        rx.heading(tr(title_key), size="6"),
        rx.spacer(),
        rx.button(rx.icon("plus", size=14), tr(new_key), on_click=on_new, id=new_id),
        align="center",
        width="100%",
    )


def row_dialog(
    state: Any,
    *,
    titles: tuple[str, str],
    body: list[rx.Component],
    prefix: str,
    error_id: str,
    save_key: str = "common.save",
    intro: rx.Component | None = None,
    max_width: str = "40rem",
) -> rx.Component:
    """The dialog: its title (`titles`: new, change), an optional line under it, the fields in
    `body`, the refusal (`error_id`), cancel and save (`<prefix>-save`); `<prefix>-dialog`."""
    new_key, edit_key = titles
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(state.editing_id > 0, tr(edit_key), tr(new_key))),
            *([intro] if intro is not None else []),
            rx.form(
                rx.vstack(
                    *body,
                    form_error(state.message, error_id),
                    dialog_buttons(state.close, save_key, f"{prefix}-save"),
                    spacing="3",
                ),
                on_submit=state.save,
                reset_on_submit=False,
                key=state.editing_id.to(str),
            ),
            max_width=max_width,
            id=f"{prefix}-dialog",
        ),
        open=state.open,
    )
