"""The console's stock page (`/stock`, `stock:read`): planned slots with quantity, minimum and
par, lows highlighted; filters by cabinet, low only and item; keyset pages."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.options import cabinet_options
from app.core.db import run_in_session
from app.inventory.listing import list_stock
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import require

PERMISSION = "stock:read"


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

    def _read_permission(self) -> str:
        return PERMISSION

    async def _load(self) -> None:
        principal = await require(self, PERMISSION)
        page = await run_in_session(
            list_stock,
            scope=principal.scope,
            cabinet_id=None if self.cabinet == "all" else as_id(self.cabinet),
            low_only=self.low_only,
            search=self.search,
            after_id=self._after_id(),
        )
        self.rows = [
            StockLine(
                id=r.entry_id,
                cabinet=f"{r.cabinet} ({r.cabinet_code})",
                slot=r.slot,
                item=r.item,
                sku=r.sku,
                quantity=r.quantity,
                min_qty=r.min_qty,
                par_qty=r.par_qty,
                low=r.low,
                fill=r.fill,
            )
            for r in page.rows
        ]
        self.next_after = page.next_after_id or 0
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        principal = await require(self, PERMISSION)
        options = await run_in_session(cabinet_options, scope=principal.scope)
        self.cabinets = [Option(id=str(i), name=n) for i, n in options]
        self.cursors = []
        await self._load()

    @rx.event
    async def apply(self, form: dict) -> None:
        await require(self, PERMISSION)
        form = form if isinstance(form, dict) else {}
        cabinet = str(form.get("cabinet") or "all")[:12]
        self.cabinet = "all" if cabinet == "all" else str(as_id(cabinet))
        self.low_only = form.get("low_only") in ("on", True, "true")
        self.search = str(form.get("search", ""))[:40]
        self.cursors = []
        await self._load()
