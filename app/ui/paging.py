"""Keyset paging for list pages: the cursor stack, the handlers and the pager, in one place.

A page state mixes in `KeysetPaging`, implements `_load()` (which reads `_after_id()` and
`page_size`, and sets `next_after` and `total`) and names the permission that reading needs.
The browser only ever holds one page. The pager says how many rows match, which page this is
of how many, and lets the reader choose how many rows a page shows."""

from __future__ import annotations

import reflex as rx

from app.core.paging import PAGE_SIZES
from app.ui.declarations import checked_inside
from app.ui.locale import LocaleState, tr
from app.ui.session import require


class KeysetPaging(rx.State, mixin=True):
    cursors: list[int] = []  # the `after_id` of every page before the one shown
    next_after: int = 0  # 0: this is the last page
    total: int = -1  # rows the filters match (-1: not counted)
    page_size: int = PAGE_SIZES[0]

    def _read_permission(self) -> str:
        raise NotImplementedError

    async def _load(self) -> None:
        raise NotImplementedError

    def _after_id(self) -> int | None:
        return self.cursors[-1] if self.cursors else None

    @rx.var
    def page_number(self) -> int:
        return len(self.cursors) + 1

    @rx.var
    def page_count(self) -> int:
        return page_count_of(self.total, self.page_size)

    @rx.event
    @checked_inside(None, "each paged state reads with its own permission (_read_permission)")
    async def next_page(self) -> None:
        await require(self, self._read_permission())
        if self.next_after:
            self.cursors = [*self.cursors, self.next_after]
            await self._load()

    @rx.event
    @checked_inside(None, "each paged state reads with its own permission (_read_permission)")
    async def previous_page(self) -> None:
        await require(self, self._read_permission())
        self.cursors = self.cursors[:-1]
        await self._load()

    @rx.event
    @checked_inside(None, "each paged state reads with its own permission (_read_permission)")
    async def choose_page_size(self, size: str) -> None:
        """From the pager's select: one of PAGE_SIZES; back to the first page."""
        await require(self, self._read_permission())
        if not isinstance(size, str) or not size.isdigit() or int(size) not in PAGE_SIZES:
            return
        self.page_size, self.cursors = int(size), []
        await self._load()


def pager(state: type[KeysetPaging], test_id: str) -> rx.Component:
    summary = rx.cond(
        state.total >= 0,
        rx.text(
            LocaleState.tr["pager.summary"]
            .replace("{total}", state.total.to(str))
            .replace("{page}", state.page_number.to(str))
            .replace("{pages}", state.page_count.to(str)),
            size="2",
            color=rx.color("gray", 11),
            id=f"{test_id}-total",
        ),
    )
    # a native select: it shows its value before it was ever opened, and phones use their own
    sizes = rx.el.select(
        *[
            rx.el.option(LocaleState.tr["pager.per_page"].replace("{n}", str(n)), value=str(n))
            for n in PAGE_SIZES
        ],
        value=state.page_size.to(str),
        on_change=state.choose_page_size,
        aria_label="page size",
        id=f"{test_id}-size",
        style={
            "padding": "0.3rem 0.5rem",
            "border_radius": "6px",
            "border": "1px solid var(--gray-6)",
            "background": "var(--color-panel-solid)",
        },
    )
    return rx.hstack(
        summary,
        rx.spacer(),
        sizes,
        rx.button(
            tr("common.previous"),
            variant="soft",
            disabled=state.cursors.length() == 0,
            on_click=state.previous_page,
            id=f"{test_id}-previous",
        ),
        rx.button(
            tr("common.next"),
            variant="soft",
            disabled=state.next_after == 0,
            on_click=state.next_page,
            id=f"{test_id}-next",
        ),
        align="center",
        justify="end",
        wrap="wrap",
        width="100%",
        id=f"{test_id}-pager",
    )


def page_count_of(total: int, page_size: int) -> int:
    """How many pages `total` rows fill (at least one); 0 when the rows were not counted."""
    return max(1, -(-total // page_size)) if total >= 0 else 0
