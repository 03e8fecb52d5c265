"""The console's stocktakes page (`/stocktakes`, `stock:read`; `stock:adjust` to count, submit,
approve or reject): the list, a new count of a cabinet, its count sheet and its report."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.cabinets.queries.options import cabinet_label, cabinet_options
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.inventory.queries.stocktakes import (
    StocktakeReport,
    StocktakeRow,
    list_stocktakes,
    stocktake_report,
)
from app.inventory.services import stocktake as service
from app.tenants.services.policies import whole_number
from app.ui.format import local_time, yuan
from app.ui.guard import caller, guarded
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require

READ, ADJUST = "stock:read", "stock:adjust"
COUNT_FIELD = "count-"  # the count sheet's inputs: count-<line id>


class StocktakeListRow(TypedDict):
    id: int
    cabinet: str
    counted_by: str
    started: str
    status: str
    value: str


class SheetLine(TypedDict):
    id: int
    slot: str
    item: str
    sku: str
    ledger: int
    suggested: str
    counted: str
    difference: str
    value: str
    differs: bool


class Option(TypedDict):
    id: str
    name: str


def _signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def _money(cents: int) -> str:
    return ("-" if cents < 0 else "") + "¥" + yuan(abs(cents))


def _lines(report: StocktakeReport) -> list[SheetLine]:
    return [
        SheetLine(
            id=line.line_id,
            slot=line.slot,
            item=line.item,
            sku=line.sku,
            ledger=line.ledger,
            suggested="" if line.suggested is None else str(line.suggested),
            counted="" if line.counted is None else str(line.counted),
            difference="" if line.counted is None else _signed(line.difference),
            value="" if not line.difference else _money(line.value_cents),
            differs=bool(line.difference),
        )
        for line in report.lines
    ]


def _counts(form: dict) -> dict[int, str]:
    """{line id: what was typed} of the sheet's inputs (the service checks each count)."""
    return {
        as_id(key[len(COUNT_FIELD) :]): str(value or "").strip()[:12]
        for key, value in form.items()
        if isinstance(key, str) and key.startswith(COUNT_FIELD)
    }


class StocktakesState(rx.State):
    rows: list[StocktakeListRow] = []
    cabinets: list[Option] = []
    can_adjust: bool = False
    loaded: bool = False
    message: str = ""  # the last refusal, shown above what it refused
    # the stocktake open on the page (0: the list)
    current_id: int = 0
    _current_id: int = 0  # what the actions act on (never taken from the browser)
    status: str = ""
    heading: str = ""
    counted_by: str = ""
    decided_by: str = ""
    started: str = ""
    lines: list[SheetLine] = []
    totals: dict[str, str] = {}
    can_decide: bool = False
    threshold: str = ""

    async def _refusal(self, refused: DomainError) -> None:
        self.message = t(refused.key, await request_locale(self), **refused.params)

    async def _load_list(self) -> None:
        principal = await require(self, READ)
        self.can_adjust = principal.can(ADJUST)
        rows = await run_in_session(list_stocktakes, scope=principal.scope)
        self.rows = stocktake_rows(rows)
        options = await run_in_session(cabinet_options, scope=principal.scope)
        self.cabinets = [Option(id=str(i), name=n) for i, n in options]
        self.loaded = True

    async def _open(self, stocktake_id: int) -> None:
        principal = await require(self, READ)

        def read(session):
            report = stocktake_report(
                session=session, scope=principal.scope, stocktake_id=stocktake_id
            )
            return report, whole_number(session, report.tenant_id, service.APPROVAL)

        report, threshold = await run_in_session(read)
        self.current_id = self._current_id = report.id
        self.status = report.status
        self.heading = cabinet_label(report.cabinet, report.cabinet_code)
        self.counted_by, self.decided_by = report.counted_by, report.decided_by or ""
        self.started = local_time(report.started_at, report.timezone)
        self.lines = _lines(report)
        self.totals = sheet_totals(report)
        self.threshold = yuan(threshold)
        self.can_decide = (
            report.status == "waiting"
            and principal.can(ADJUST)
            and principal.account_id != report.counted_by_account_id
        )

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.message, self.current_id, self._current_id = "", 0, 0
        await self._load_list()

    @rx.event
    @guarded(READ)
    async def open(self, stocktake_id: int) -> None:
        self.message = ""
        try:
            await self._open(as_id(stocktake_id))
        except DomainError as refused:
            await self._refusal(refused)

    @rx.event
    @guarded(READ)
    async def back(self) -> None:
        self.message, self.current_id, self._current_id = "", 0, 0
        await self._load_list()

    @rx.event
    @guarded(ADJUST)
    async def start(self, form: dict) -> None:
        principal = caller().principal
        try:
            cabinet_id = as_id(form.get("cabinet", ""))
            row = await run_in_session(
                service.start_stocktake,
                scope=principal.scope,
                cabinet_id=cabinet_id,
                actor=actor_of(self, principal),
            )
            self.message = ""
            await self._open(row.id)
        except DomainError as refused:
            await self._refusal(refused)

    @rx.event
    @guarded(ADJUST)
    async def submit(self, form: dict):
        principal = caller().principal
        try:
            row = await run_in_session(
                service.submit_stocktake,
                scope=principal.scope,
                stocktake_id=self._current_id,
                counts=_counts(form),
                note=str(form.get("note", ""))[:200],
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._refusal(refused)
            return
        self.message = ""
        await self._open(row.id)
        key = "stocktake.applied_toast" if row.status == "applied" else "stocktake.waiting_toast"
        return rx.toast.success(t(key, caller().locale))

    async def _decide(self, decide) -> None:
        principal = await require(self, ADJUST)
        try:
            await run_in_session(
                decide,
                scope=principal.scope,
                stocktake_id=self._current_id,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            await self._refusal(refused)
            return
        self.message = ""
        await self._open(self._current_id)

    @rx.event
    @guarded(ADJUST)
    async def approve(self) -> None:
        await self._decide(service.approve_stocktake)

    @rx.event
    @guarded(ADJUST)
    async def reject(self) -> None:
        await self._decide(service.reject_stocktake)

    @rx.event
    @guarded(ADJUST)
    async def cancel(self) -> None:
        await self._decide(service.cancel_stocktake)


def stocktake_rows(rows: list[StocktakeRow]) -> list[StocktakeListRow]:
    """The stocktakes: started in their tenant's zone, the difference's value once counted."""
    return [
        StocktakeListRow(
            id=r.id,
            cabinet=cabinet_label(r.cabinet, r.cabinet_code),
            counted_by=r.counted_by,
            started=local_time(r.started_at, r.timezone),
            status=r.status,
            value=_money(r.difference_cents) if r.status != "counting" else "",
        )
        for r in rows
    ]


def sheet_totals(report: StocktakeReport) -> dict[str, str]:
    """The report's totals: lines and units that differ, the net and the absolute value."""
    return {
        "differing": str(report.lines_differing),
        "lost": str(report.units_lost),
        "gained": str(report.units_gained),
        "net": _money(report.net_value_cents),
        "total": _money(report.difference_cents),
    }
