"""The console's reports page (`/reports`, `report:read`): a period (day, week, month or a
custom range, stepped back and forth), filters, the totals, the daily chart up to today and each
breakdown (departments with their sub-departments), sortable by any column, every number a link
to the withdrawals behind it; the tab shown as Excel in one click, or the whole report as a file."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import LOCALES, t
from app.core.jobs import get_dispatcher
from app.reports.pages.charts import daily_figure
from app.reports.queries import consumption as c
from app.reports.queries import tab_rows as tabs
from app.reports.queries.rollup import RolledRow
from app.reports.services import exports
from app.reports.services.export_jobs import export_file, export_state, start_export
from app.reports.services.periods import KINDS, Period, local_today, period_of
from app.reports.services.reports import CONSUMPTION_SECTIONS, consumption_report, days_so_far
from app.reports.services.sorting import parse_sort, sort_rows
from app.tenants.queries import scope_timezone
from app.ui.format import yuan
from app.ui.guard import caller, guarded
from app.ui.payload import as_id, optional_id
from app.ui.session import actor_of, request_locale, require, working_tenant
from app.withdrawals.queries import listing

PERMISSION = "report:read"
WATCH_FOR_S = 600
LAZY = ("uptime", "stock", "workorders", "exceptions", "quotas")
TABS = (*CONSUMPTION_SECTIONS, *LAZY)
TABLES = (*CONSUMPTION_SECTIONS, "department_rolled", "tenant", "stock", "workorders", "uptime",
          "quotas", "reasons")  # fmt: skip
TEXT_COLUMNS = ("label", "name", "period")  # first sorted A to Z; figures largest first


def table_of(section: str, rolled_up: bool) -> str:
    """The table a tab shows (the departments' with or without their sub-departments)."""
    if section == "department" and rolled_up:
        return "department_rolled"
    return "reasons" if section == "exceptions" else section


def _sortable(table: str) -> tuple[str, ...]:
    if table in CONSUMPTION_SECTIONS or table == "tenant":
        return tabs.SORTABLE["consumption"]
    return tabs.SORTABLE.get(table, ())


DRILL = {"department": "department", "person": "person", "cabinet": "cabinet", "item": "item"}


class Choice(TypedDict):
    id: str
    name: str


class Line(TypedDict):
    label: str
    detail: str
    count: int
    quantity: int
    cost: str
    share: str  # of the period's cost
    drill: str  # the withdrawals behind the row ("" when a row has no single filter)
    own: str  # with sub-departments: the department's own cost ("" elsewhere)
    subs: int  # with sub-departments: how many of them took something


def _share(cost_cents: int, total_cost: int) -> str:
    return f"{cost_cents / total_cost * 100 if total_cost else 0.0:.1f}%"


class ReportsState(rx.State):
    kind: str = "month"
    day: str = ""  # the anchor (ISO); custom: the first day
    last: str = ""  # custom: the last day
    department: str = "all"
    cabinet: str = "all"
    departments: list[Choice] = []
    cabinets: list[Choice] = []
    label: str = ""
    totals: dict[str, str] = {}
    # every table of the page by name: the consumption sections, "department_rolled", "tenant",
    # "stock", "workorders", "uptime", "quotas", "reasons" (the exceptions')
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}  # never undefined on the page
    sorts: dict[str, str] = {}  # table → "column" or "-column" (descending)
    section: str = "department"
    rolled_up: bool = True  # departments with their sub-departments
    exceptions: dict = {}
    quotas: dict = {}
    export_id: int = 0
    export_progress: int = 0
    export_status: str = ""  # "", running, done, failed
    daily: dict[str, dict] = {locale: {} for locale in LOCALES}  # the chart in each language
    loaded: bool = False
    message: str = ""
    _zone: str = "Asia/Shanghai"  # the scope's time zone: what "today" is

    def _period(self) -> Period:
        return period_from(self.kind, self.day, self.last)

    def _filters(self) -> c.Filters:
        return c.Filters(
            cabinet_id=optional_id(self.cabinet), department_id=optional_id(self.department)
        )

    def _put(self, found: dict[str, list[dict]]) -> None:
        """Replace some tables, each in the order its reader chose (by a column clicked)."""
        for name, rows in found.items():
            order = parse_sort(self.sorts.get(name, ""), _sortable(name))
            found[name] = list(sort_rows(rows, *order)) if order else rows
        self.tables = self.tables | found

    async def _load(self) -> None:
        principal = await require(self, PERMISSION)
        locale = await request_locale(self)
        try:
            period, filters = self._period(), self._filters()
            report = await run_in_session(
                consumption_report, scope=principal.scope, period=period, filters=filters
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return
        self.message, self.label = "", period.label()
        cost = report.totals.cost_cents
        self.totals = {
            "withdrawals": str(report.totals.withdrawals),
            "people": str(report.totals.people),
            "quantity": str(report.totals.quantity),
            "cost": yuan(cost),
        }
        found = {
            by: [self._line(by, row, cost, period) for row in rows]
            for by, rows in report.sections.items()
        }
        found["department_rolled"] = [self._rolled(r, cost, period) for r in report.departments]
        # a provider or the platform with no tenant chosen: each tenant's share first
        found["tenant"] = [self._line("tenant", row, cost, period) for row in report.tenants]
        self._put(found)
        days = days_so_far(report.days, local_today(self._zone))
        # both languages: the header's switch changes the chart's words without a reload
        self.daily = {
            each: daily_figure(days, each, span=(period.first, period.last)) for each in LOCALES
        }
        self.loaded = True
        if self.section in LAZY:
            await self._load_lazy(principal.scope, period)

    async def _load_lazy(self, scope, period: Period) -> None:
        """The other tabs, read when shown (their sums run over other tables)."""
        if self.section == "workorders":
            rows = await run_in_session(tabs.order_rows, scope=scope, period=period)
        elif self.section == "uptime":
            rows = await run_in_session(tabs.uptime_rows, scope=scope, period=period)
        elif self.section == "quotas":
            self.quotas = await run_in_session(tabs.quota_figures, scope=scope, period=period)
            rows = self.quotas.pop("rules")
        elif self.section == "exceptions":
            self.exceptions = await run_in_session(
                tabs.exception_figures, scope=scope, period=period,
                locale=await request_locale(self),
            )  # fmt: skip
            rows = self.exceptions.pop("reasons")
        else:
            rows = await run_in_session(
                tabs.stock_rows, scope=scope, period=period, cabinet_id=optional_id(self.cabinet)
            )
        self._put({table_of(self.section, False): rows})

    def _line(self, by: str, row: c.Row, total_cost: int, period: Period) -> Line:
        return consumption_line(by, row, total_cost, period, self.cabinet)

    def _rolled(self, row: RolledRow, total_cost: int, period: Period) -> Line:
        return rolled_line(row, total_cost, period, self.cabinet)

    @rx.event
    @guarded(PERMISSION)
    async def load(self) -> None:
        principal = caller().principal

        def read(session):
            options = listing.filter_options(session=session, scope=principal.scope)
            return options, scope_timezone(session=session, scope=principal.scope)

        options, timezone = await run_in_session(read)
        self._zone = timezone
        self.cabinets = [Choice(id=str(i), name=n) for i, n in options.cabinets]
        self.departments = [Choice(id=str(i), name=n) for i, n in options.departments]
        if not self.day:
            self.day = local_today(timezone).isoformat()
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def apply(self, form: dict) -> None:
        kind = str(form.get("kind") or "month")
        self.kind = kind if kind in KINDS else "month"
        self.day, self.last = str(form.get("day", ""))[:10], str(form.get("last", ""))[:10]
        self.department = str(form.get("department") or "all")[:12]
        self.cabinet = str(form.get("cabinet") or "all")[:12]
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def shift(self, step: int) -> None:
        """The period before (-1) or after (+1) the one shown."""
        try:
            period = self._period()
        except DomainError:
            return
        if step not in (-1, 1):
            return
        moved = period.previous() if step < 0 else period.following()
        self.day = moved.first.isoformat()
        self.last = moved.last.isoformat() if self.kind == "custom" else ""
        await self._load()

    @rx.event
    @guarded(PERMISSION)
    async def show(self, section: str | list[str]) -> None:
        principal = caller().principal
        self.section = section if section in TABS else "department"
        if self.section in LAZY:
            try:
                await self._load_lazy(principal.scope, self._period())
            except DomainError as refused:
                self.message = t(refused.key, caller().locale, **refused.params)

    @rx.event
    @guarded(PERMISSION)
    async def roll(self, on: bool) -> None:
        """Departments with (on) or without their sub-departments' consumption."""
        self.rolled_up = on is True

    @rx.event
    @guarded(PERMISSION)
    async def sort_by(self, table: str, column: str) -> None:
        """Sort a table by a column: largest first (names A to Z), again for the other way."""
        if not isinstance(table, str) or not isinstance(column, str):
            return
        if table not in self.tables or column not in _sortable(table):
            return
        current = self.sorts.get(table, "")
        if current.lstrip("-") == column:
            wanted = column if current.startswith("-") else f"-{column}"
        else:
            wanted = column if column in TEXT_COLUMNS else f"-{column}"
        self.sorts = self.sorts | {table: wanted}
        self._put({table: self.tables[table]})

    @rx.event
    @guarded(PERMISSION, message="message")
    async def export_tab(self):
        """The tab shown, as Excel, in one click (with the period's totals on a second sheet)."""
        principal = caller().principal
        name, data = await run_in_session(
            exports.tab_file,
            scope=principal.scope,
            period=self._period(),
            filters=self._filters(),
            tab=table_of(self.section, self.rolled_up),
            locale=caller().locale,
        )
        return rx.download(data=data, filename=name)

    @rx.event
    @guarded(PERMISSION)
    async def export(self, fmt: str):
        """Ask for the figures as a file: a job makes it (every person, every tab), the page
        follows its progress and then offers the download."""
        principal = caller().principal
        if fmt not in exports.FORMATS:
            return None
        locale = caller().locale
        try:
            period, filters = self._period(), self._filters()
            run = await run_in_session(
                start_export,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                account_id=principal.account_id,
                period=period,
                filters=filters,
                fmt=fmt,
                locale=locale,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            self.message = t(refused.key, locale, **refused.params)
            return None
        await get_dispatcher().enqueue("export_report", run.id)
        self.export_id, self.export_progress, self.export_status = run.id, 0, "running"
        return ReportsState.watch_export

    @rx.event(background=True)
    @guarded(PERMISSION)
    async def watch_export(self):
        """Follow one's export until it is made (or fails), half a second at a time."""
        async with self:
            principal = caller().principal
            run_id = self.export_id
        for _ in range(WATCH_FOR_S * 2):
            run = await run_in_session(
                export_state, scope=principal.scope, account_id=principal.account_id, run_id=run_id
            )
            async with self:
                if self.export_id != run_id:
                    return  # another export was asked for since
                self.export_progress = run.progress
                if run.status in ("done", "failed"):
                    self.export_status = run.status
                    return
            await asyncio.sleep(0.5)

    @rx.event
    @guarded(PERMISSION, message="message")
    async def download_export(self):
        principal = caller().principal
        name, data = await run_in_session(
            export_file,
            scope=principal.scope,
            account_id=principal.account_id,
            run_id=as_id(self.export_id or 0),
        )
        return rx.download(data=data, filename=name)


def period_from(kind: str, day: str, last: str) -> Period:
    """The period the page's fields name (ISO days; `last` only for a custom range)."""
    try:
        anchor = date.fromisoformat(day)
        until = date.fromisoformat(last) if kind == "custom" else None
    except ValueError:
        raise ValidationError(field="day") from None
    return period_of(kind, anchor, until)


def drill_link(by: str, key: int | None, period: Period, cabinet: str) -> str:
    """The withdrawals behind a row: its filter, the period and the page's cabinet ("" when a
    row has no single filter)."""
    if by not in DRILL or key is None:
        return ""
    query = {DRILL[by]: key, "since": period.first, "until": period.last}
    if cabinet != "all" and by != "cabinet":
        query["cabinet"] = cabinet
    return "/withdrawals?" + urlencode(query)


def consumption_line(by: str, row: c.Row, total_cost: int, period: Period, cabinet: str) -> Line:
    """A breakdown's row: its cost in yuan and share of the period's, linked to its withdrawals."""
    return Line(
        label=row.label,
        detail=row.detail,
        count=row.figures.count,
        quantity=row.figures.quantity,
        cost=yuan(row.figures.cost_cents),
        share=_share(row.figures.cost_cents, total_cost),
        drill=drill_link(by, row.key, period, cabinet),
        own="",
        subs=0,
    )


def rolled_line(row: RolledRow, total_cost: int, period: Period, cabinet: str) -> Line:
    """A department with its sub-departments: the total, its own cost, how many took something."""
    # the withdrawals list filters one department: only a leaf's rows are all of its total
    drill = drill_link("department", row.key, period, cabinet) if not row.descendants else ""
    return Line(
        label=row.label,
        detail=row.detail,
        count=row.total.count,
        quantity=row.total.quantity,
        cost=yuan(row.total.cost_cents),
        share=_share(row.total.cost_cents, total_cost),
        drill=drill,
        own=yuan(row.own.cost_cents),
        subs=row.descendants,
    )
