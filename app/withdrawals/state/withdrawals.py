"""The console's withdrawals list (`/withdrawals`, `withdrawal:read`): filters, keyset pages,
and a drawer with one withdrawal's lines and evidence. One page in the browser at a time."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import ValidationError
from app.tenants.queries import scope_timezone
from app.ui.format import local_time, yuan
from app.ui.guard import caller, guarded
from app.ui.payload import as_id, optional_id
from app.ui.session import require
from app.withdrawals.queries import listing, snapshot_evidence
from app.withdrawals.queries.snapshot_evidence import CameraCount, ImageLink

PERMISSION = "withdrawal:read"


class Row(TypedDict):
    id: int
    at: str
    person: str
    department: str
    cabinet: str
    qty: int
    amount: str
    status: str


class Option(TypedDict):
    id: str
    name: str


class DetailLine(TypedDict):
    item: str
    qty: int
    amount: str  # yuan


class WeightLine(TypedDict):
    slot: str
    before: str  # grams, to a tenth
    after: str
    change: str  # signed


class Detail(TypedDict):
    id: int
    at: str  # to the second, in the tenant's zone
    person: str
    department: str
    cabinet: str
    amount: str
    source: str
    status: str
    lines: list[DetailLine]
    evidence: list[WeightLine]
    pictures: list[ImageLink]
    camera: list[CameraCount]


def _optional_date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(field=field) from None


class WithdrawalsState(rx.State):
    rows: list[Row] = []
    cabinets: list[Option] = []
    departments: list[Option] = []
    cabinet: str = "all"
    department: str = "all"
    since: str = ""
    until: str = ""
    order: str = "newest"
    person: str = ""  # from a report's drill-down (?person=…&item=…): shown, and clearable
    item: str = ""
    cursors: list[str] = []  # the `after` of every page before the one shown
    next_cursor: str = ""
    loaded: bool = False
    detail: dict = {}
    detail_open: bool = False

    def _filter(self) -> listing.WithdrawalFilter:
        return listing.WithdrawalFilter(
            cabinet_id=optional_id(self.cabinet),
            department_id=optional_id(self.department),
            user_id=optional_id(self.person),
            item_id=optional_id(self.item),
            since=_optional_date(self.since, "since"),
            until=_optional_date(self.until, "until"),
            order=self.order,
        )

    async def _load(self) -> None:
        principal = await require(self, PERMISSION)
        where = self._filter()
        after = self.cursors[-1] if self.cursors else None

        def read(session):
            timezone = scope_timezone(session=session, scope=principal.scope)
            page = listing.list_withdrawals(
                session=session,
                scope=principal.scope,
                where=where,
                timezone=timezone,
                after=after,
            )
            return page, timezone

        page, timezone = await run_in_session(read)
        self.rows = withdrawal_rows(page.rows, timezone)
        self.next_cursor = page.next_cursor or ""
        self.loaded = True

    @rx.event
    @guarded(PERMISSION)
    async def load(self) -> None:
        principal = caller().principal
        options = await run_in_session(listing.filter_options, scope=principal.scope)
        self.cabinets = [Option(id=str(i), name=n) for i, n in options.cabinets]
        self.departments = [Option(id=str(i), name=n) for i, n in options.departments]
        self.cursors, self.detail_open = [], False
        self._from_url(self.router.url.query_parameters)
        await self._load()

    def _from_url(self, query: dict) -> None:
        """A report's drill-down names its filters in the URL: the same numbers, listed."""
        if not query:
            return
        self.cabinet = str(query.get("cabinet") or "all")[:12]
        self.department = str(query.get("department") or "all")[:12]
        self.person, self.item = str(query.get("person", ""))[:12], str(query.get("item", ""))[:12]
        self.since, self.until = str(query.get("since", ""))[:10], str(query.get("until", ""))[:10]
        self._filter()  # refuses a bad id or date before anything is read

    @rx.event
    @guarded(PERMISSION)
    async def clear_drill(self) -> None:
        self.person, self.item, self.cursors = "", "", []
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def apply(self, form: dict) -> None:
        self.cabinet = str(form.get("cabinet") or "all")[:12]
        self.department = str(form.get("department") or "all")[:12]
        self.since, self.until = str(form.get("since", ""))[:10], str(form.get("until", ""))[:10]
        self.order = "oldest" if form.get("order") == "oldest" else "newest"
        self._filter()  # refuses a bad id or date before anything is read
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def next_page(self) -> None:
        if self.next_cursor:
            self.cursors = [*self.cursors, self.next_cursor]
            await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def previous_page(self) -> None:
        self.cursors = self.cursors[:-1]
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def open_detail(self, withdrawal_id: int) -> None:
        principal = caller().principal

        def read(session):
            found = listing.withdrawal_detail(
                session=session, scope=principal.scope, withdrawal_id=as_id(withdrawal_id)
            )
            return found, scope_timezone(session=session, scope=principal.scope)

        found, timezone = await run_in_session(read)
        self.detail = detail_of(found, timezone)
        self.detail_open = True

    @rx.event
    @guarded(PERMISSION)
    async def close_detail(self) -> None:
        self.detail_open = False


def withdrawal_rows(rows: list[listing.WithdrawalRow], timezone: str) -> list[Row]:
    """The page's withdrawals: when in the tenant's zone, the amount in yuan."""
    return [
        Row(
            id=r.id,
            at=local_time(r.created_at, timezone, "%Y-%m-%d %H:%M"),
            person=r.person,
            department=r.department,
            cabinet=r.cabinet,
            qty=r.total_qty,
            amount=yuan(r.total_cost_cents),
            status=r.status,
        )
        for r in rows
    ]


def detail_of(found: listing.WithdrawalDetail, timezone: str) -> Detail:
    """One withdrawal in the drawer: its lines in yuan, each scale's weights in grams, the
    camera's pictures and counts."""
    row = found.row
    return Detail(
        id=row.id,
        at=local_time(row.created_at, timezone, "%Y-%m-%d %H:%M:%S"),
        person=row.person,
        department=row.department,
        cabinet=row.cabinet,
        amount=yuan(row.total_cost_cents),
        source=row.source,
        status=row.status,
        lines=[
            DetailLine(item=n.item, qty=n.quantity, amount=yuan(n.line_cost_cents))
            for n in found.lines
        ],
        evidence=[
            WeightLine(
                slot=e.slot,
                before=f"{e.before_g:.1f}",
                after=f"{e.after_g:.1f}",
                change=f"{e.after_g - e.before_g:+.1f}",
            )
            for e in found.evidence
        ],
        pictures=snapshot_evidence.image_links(found.door_id, found.identification),
        camera=snapshot_evidence.camera_counts(found.identification),
    )
