"""Keyset paging for list pages: the cursor stack, the handlers and the buttons, in one place.

A page state mixes in `KeysetPaging`, implements `_load()` (which reads `_after_id()` and sets
`next_after`) and names the permission that reading needs. The browser only ever holds one page.
"""

from __future__ import annotations

import reflex as rx

from app.ui.locale import tr
from app.ui.session import require


class KeysetPaging(rx.State, mixin=True):
    cursors: list[int] = []  # the `after_id` of every page before the one shown
    next_after: int = 0  # 0: this is the last page

    def _read_permission(self) -> str:
        raise NotImplementedError

    async def _load(self) -> None:
        raise NotImplementedError

    def _after_id(self) -> int | None:
        return self.cursors[-1] if self.cursors else None

    @rx.event
    async def next_page(self) -> None:
        await require(self, self._read_permission())
        if self.next_after:
            self.cursors = [*self.cursors, self.next_after]
            await self._load()

    @rx.event
    async def previous_page(self) -> None:
        await require(self, self._read_permission())
        self.cursors = self.cursors[:-1]
        await self._load()


def pager(state: type[KeysetPaging], test_id: str) -> rx.Component:
    return rx.hstack(
        rx.button(
            tr("people.previous"),
            variant="soft",
            disabled=state.cursors.length() == 0,
            on_click=state.previous_page,
        ),
        rx.button(
            tr("people.next"),
            variant="soft",
            disabled=state.next_after == 0,
            on_click=state.next_page,
            id=f"{test_id}-next",
        ),
        justify="end",
        width="100%",
    )
