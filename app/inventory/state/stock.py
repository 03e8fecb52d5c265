"""The console's stock page (`/stock`, `stock:read`): planned slots with quantity, minimum and
par, lows highlighted; filters by cabinet, low only and item; keyset pages."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.queries.options import cabinet_label, cabinet_options
from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.inventory.queries.stock import StockRow, list_stock
from app.inventory.services.adjustments import AdjustReason, write_off_planned
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import actor_of, require

PERMISSION, ADJUST = "stock:read", "stock:adjust"


class StockLine(TypedDict):
    id: int
    cabinet: str
    slot: str
    item: str
    sku: str
    quantity: int
    min_qty: int
    par_qty: int
    low: bool
    fill: int


class Option(TypedDict):
    id: str
    name: str


class StockState(KeysetPaging, rx.State):
    rows: list[StockLine] = []
    cabinets: list[Option] = []
    cabinet: str = "all"
    low_only: bool = False
    search: str = ""
    loaded: bool = False
    can_adjust: bool = False
    writing_off: int = 0  # the plan entry the write-off dialog is for
    write_off_subject: str = ""
    write_off_error: str = ""

    def _read_permission(self) -> str:
        return PERMISSION

    async def _load(self) -> None:
        principal = await require(self, PERMISSION)
        self.can_adjust = principal.can(ADJUST)
        page = await run_in_session(
            list_stock,
            scope=principal.scope,
            cabinet_id=None if self.cabinet == "all" else as_id(self.cabinet),
            low_only=self.low_only,
            search=self.search,
            after_id=self._after_id(),
            limit=self.page_size,
        )
        self.rows = stock_lines(page.rows)
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(PERMISSION)
    async def load(self) -> None:
        principal = caller().principal
        options = await run_in_session(cabinet_options, scope=principal.scope)
        self.cabinets = [Option(id=str(i), name=n) for i, n in options]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def apply(self, form: dict) -> None:
        cabinet = str(form.get("cabinet") or "all")[:12]
        self.cabinet = "all" if cabinet == "all" else str(as_id(cabinet))
        self.low_only = form.get("low_only") in ("on", True, "true")
        self.search = str(form.get("search", ""))[:40]
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(ADJUST)
    async def open_write_off(self, entry_id: int) -> None:
        row = next((r for r in self.rows if r["id"] == as_id(entry_id)), None)
        if row is not None:
            self.writing_off, self.write_off_error = row["id"], ""
            self.write_off_subject = f"{row['cabinet']} · {row['slot']} · {row['item']}"

    @rx.event
    @guarded(PERMISSION)
    async def close_write_off(self) -> None:
        self.writing_off, self.write_off_error = 0, ""

    @rx.event
    @guarded(ADJUST)
    async def write_off(self, form: dict) -> None:
        """Units off a slot for damage, expiry or loss (never below zero), audited."""
        principal = caller().principal
        try:
            quantity = str(form.get("quantity", "")).strip()
            if not quantity.isdigit() or len(quantity) > 6:
                raise ValidationError(field="quantity")
            reason = str(form.get("reason", ""))[:20]
            if reason not in {r.value for r in AdjustReason}:
                raise ValidationError(field="reason")
            await run_in_session(
                write_off_planned,
                scope=principal.scope,
                entry_id=self.writing_off,
                reason=reason,
                quantity=int(quantity),
                note=str(form.get("note", ""))[:200],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            locale = caller().locale
            self.write_off_error = t(refused.key, locale, **refused.params)
            return
        self.writing_off, self.write_off_error = 0, ""
        await self._load()


def stock_lines(rows: list[StockRow]) -> list[StockLine]:
    """The planned slots as the table shows them: the cabinet by name and code, lows marked."""
    return [
        StockLine(
            id=r.entry_id,
            cabinet=cabinet_label(r.cabinet, r.cabinet_code),
            slot=r.slot,
            item=r.item,
            sku=r.sku,
            quantity=r.quantity,
            min_qty=r.min_qty,
            par_qty=r.par_qty,
            low=r.low,
            fill=r.fill,
        )
        for r in rows
    ]
