"""The combined pick list page (`/workorders/picklist?cabinet=<id>` or `?route=<site id>`,
`workorder:read`): what the open orders of one cabinet or one route need, printable, and
exported as Excel or CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.workorders import queries

READ = "workorder:read"
FORMATS = {"xlsx": (queries.to_xlsx, "xlsx"), "csv": (queries.to_csv, "csv")}


class PickRowView(TypedDict):
    slot: str
    item: str
    sku: str
    unit: str
    quantity: int
    orders: int


class StopView(TypedDict):
    cabinet: str
    code: str
    tenant: str
    site: str
    address: str
    rows: list[PickRowView]


class TotalView(TypedDict):
    item: str
    sku: str
    unit: str
    quantity: int


def _target(params: dict) -> tuple[str, int] | None:
    """("cabinet" | "route", id) from the page's query, or None when it names neither."""
    for kind in ("cabinet", "route"):
        value = str(params.get(kind, "") or "")
        if value.isdigit():
            return kind, int(value)
    return None


def _read(principal, kind: str, target_id: int):
    def read(session):
        ids = {"cabinet_id": target_id} if kind == "cabinet" else {"site_id": target_id}
        found = queries.sheet(session=session, scope=principal.scope, **ids)
        return found, scope_timezone(session=session, scope=principal.scope)

    return run_in_session(read)


class PicklistState(rx.State):
    loaded: bool = False
    kind: str = ""  # "cabinet" | "route" ("": the page named neither, or one out of reach)
    target_id: int = 0
    name: str = ""
    detail: str = ""
    generated: str = ""
    orders: int = 0
    stops: list[StopView] = []
    totals: list[TotalView] = []

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        principal = caller().principal
        self.loaded, self.kind, self.stops, self.totals = False, "", [], []
        target = _target(self.router.url.query_parameters or {})
        if target is None:
            self.loaded = True
            return
        try:
            found, timezone = await _read(principal, *target)
        except DomainError:  # not in this person's companies: as if it did not exist
            self.loaded = True
            return
        self.kind, self.target_id = target
        self.name, self.detail = found.name, found.detail
        self.generated = local_time(datetime.now(UTC), timezone, "%Y-%m-%d %H:%M")
        self.orders = found.pick.orders
        self.stops, self.totals = sheet_views(found.pick)
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def export(self, fmt: str):
        """The list as a file: read again, so what downloads is what is open now."""
        principal = caller().principal
        if not isinstance(fmt, str) or fmt not in FORMATS or self.kind not in ("cabinet", "route"):
            return None
        found, _ = await _read(principal, self.kind, self.target_id)
        write, suffix = FORMATS[fmt]
        data = write(found.pick, caller().locale)
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        return rx.download(
            data=data, filename=f"picklist-{self.kind}-{self.target_id}-{stamp}.{suffix}"
        )


def sheet_views(pick: queries.CombinedPickList) -> tuple[list[StopView], list[TotalView]]:
    """The combined list as the page shows it: each stop with its rows, then the totals."""
    stops = [
        StopView(
            cabinet=s.cabinet,
            code=s.cabinet_code,
            tenant=s.tenant,
            site=s.site,
            address=s.address,
            rows=[
                PickRowView(
                    slot=r.slot,
                    item=r.item,
                    sku=r.sku,
                    unit=r.unit,
                    quantity=r.quantity,
                    orders=r.orders,
                )
                for r in s.rows
            ],
        )
        for s in pick.stops
    ]
    totals = [
        TotalView(item=i.item, sku=i.sku, unit=i.unit, quantity=i.quantity) for i in pick.totals
    ]
    return stops, totals
