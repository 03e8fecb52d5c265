"""The console's reports page (`/reports`, `report:read`): a period (day, week, month or a
custom range, stepped back and forth), filters, the totals, the daily chart and each breakdown,
every number a link to the withdrawals behind it; CSV and XLSX of the same figures."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.core.jobs import get_dispatcher
from app.dashboard.service import scope_timezone
from app.reports import consumption as c
from app.reports import exports
from app.reports.cabinets import cabinet_report
from app.reports.charts import daily_figure
from app.reports.exceptions import exceptions_report
from app.reports.export_jobs import export_file, export_state, start_export
from app.reports.periods import KINDS, Period, local_today, period_of
from app.reports.quotas import quota_report
from app.reports.service import CONSUMPTION_SECTIONS, consumption_report
from app.reports.stock import stock_report
from app.reports.workorders import work_order_report
from app.ui.format import yuan
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require, working_tenant
from app.withdrawals import listing
from app.withdrawals.review import reason_words

PERMISSION = "report:read"
WATCH_FOR_S = 600
LAZY = ("uptime", "stock", "workorders", "exceptions", "quotas")


def _order_rows(*, session, scope, period: Period) -> list[dict]:
    win = c.window(session=session, scope=scope, period=period)
    return [
        {
            "kind": r.kind,
            "opened": r.opened,
            "done": r.done,
            "cancelled": r.cancelled,
            "open": r.open_at_end,
            "mean": "—" if r.lead_hours_mean is None else f"{r.lead_hours_mean:.1f}",
            "max": "—" if r.lead_hours_max is None else f"{r.lead_hours_max:.1f}",
        }
        for r in work_order_report(session=session, win=win)
    ]


def _uptime_rows(*, session, scope, period: Period) -> list[dict]:
    win = c.window(session=session, scope=scope, period=period)
    return [
        {
            "label": r.label,
            "detail": r.detail,
            "visits": r.visits,
            "withdrawals": r.withdrawals,
            "quantity": r.quantity,
            "cost": yuan(r.cost_cents),
            "offline": r.offline_minutes,
            "uptime": f"{r.uptime * 100:.2f}%",
        }
        for r in cabinet_report(session=session, win=win)
    ]


def _quota_figures(*, session, scope, period: Period) -> dict:
    found = quota_report(session=session, win=c.window(session=session, scope=scope, period=period))
    rules = [
        {
            "name": r.name,
            "period": r.period,
            "limit": yuan(r.limit_value) if r.limit_kind == "cost" else str(r.limit_value),
            "holders": r.holders,
            "at_limit": r.at_limit,
            "used": yuan(r.used) if r.limit_kind == "cost" else str(r.used),
            "share": f"{r.mean_share * 100:.0f}%",
        }
        for r in found.rules
    ]
    return {"rules": rules, "asked": found.approvals_asked, "granted": found.approvals_granted}


def _exception_figures(*, session, scope, period: Period, locale: str) -> dict:
    win = c.window(session=session, scope=scope, period=period)
    found = exceptions_report(session=session, win=win)
    figures = {k: v for k, v in found.__dict__.items() if k != "by_reason"}
    reasons = [{"label": reason_words(r, locale), "count": n} for r, n in found.by_reason.items()]
    return figures | {"reasons": reasons}


DRILL = {"department": "department", "person": "person", "cabinet": "cabinet", "item": "item"}


class Line(TypedDict):
    label: str
    detail: str
    count: int
    quantity: int
    cost: str
    share: str  # of the period's cost
    drill: str  # the withdrawals behind the row ("" when a row has no single filter)


def _optional_id(value: object) -> int | None:
    return None if value in (None, "", "all") else as_id(value)


class ReportsState(rx.State):
    kind: str = "month"
    day: str = ""  # the anchor (ISO); custom: the first day
    last: str = ""  # custom: the last day
    department: str = "all"
    cabinet: str = "all"
    departments: list[dict] = []
    cabinets: list[dict] = []
    label: str = ""
    totals: dict = {}
    sections: dict[str, list[Line]] = {}
    section: str = "department"
    tenants: list[Line] = []
    stock_rows: list[dict] = []
    order_rows: list[dict] = []
    exceptions: dict = {}
    quotas: dict = {}
    uptime_rows: list[dict] = []
    export_id: int = 0
    export_progress: int = 0
    export_status: str = ""  # "", running, done, failed
    daily: dict = {}
    loaded: bool = False
    message: str = ""

    def _period(self) -> Period:
        try:
            anchor = date.fromisoformat(self.day)
            last = date.fromisoformat(self.last) if self.kind == "custom" else None
        except ValueError:
            raise ValidationError(field="day") from None
        return period_of(self.kind, anchor, last)

    def _filters(self) -> c.Filters:
        return c.Filters(
            cabinet_id=_optional_id(self.cabinet), department_id=_optional_id(self.department)
        )

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
            "withdrawals": report.totals.withdrawals,
            "people": report.totals.people,
            "quantity": report.totals.quantity,
            "cost": yuan(cost),
        }
        self.sections = {
            by: [self._line(by, row, cost, period) for row in rows]
            for by, rows in report.sections.items()
        }
        # a provider or the platform with no tenant chosen: each tenant's share first
        self.tenants = [self._line("tenant", row, cost, period) for row in report.tenants]
        self.daily = daily_figure(report.days, locale)
        self.loaded = True
        if self.section in LAZY:
            await self._load_lazy(principal.scope, period)

    async def _load_lazy(self, scope, period: Period) -> None:
        """The stock and work-order tabs, read when shown (their sums run over other tables)."""
        if self.section == "workorders":
            self.order_rows = await run_in_session(_order_rows, scope=scope, period=period)
            return
        if self.section == "uptime":
            self.uptime_rows = await run_in_session(_uptime_rows, scope=scope, period=period)
            return
        if self.section == "quotas":
            self.quotas = await run_in_session(_quota_figures, scope=scope, period=period)
            return
        if self.section == "exceptions":
            self.exceptions = await run_in_session(
                _exception_figures, scope=scope, period=period, locale=await request_locale(self)
            )
            return
        cabinet_id = _optional_id(self.cabinet)

        def read(session):
            win = c.window(session=session, scope=scope, period=period)
            return stock_report(session=session, win=win, cabinet_id=cabinet_id)

        self.stock_rows = [
            {
                "label": r.label,
                "detail": r.detail,
                "opening": r.opening,
                "restocked": r.restocked,
                "taken": r.taken,
                "adjusted": r.adjusted,
                "closing": r.closing,
                "outs": r.stock_outs,
                "turnover": "—" if r.turnover is None else f"{r.turnover:.2f}",
                "cover": "—" if r.cover_days is None else f"{r.cover_days:.0f}",
                "slow": r.slow,
            }
            for r in await run_in_session(read)
        ]

    def _line(self, by: str, row: c.Row, total_cost: int, period: Period) -> Line:
        drill = ""
        if by in DRILL and row.key is not None:
            query = {DRILL[by]: row.key, "since": period.first, "until": period.last}
            if self.cabinet != "all" and by != "cabinet":
                query["cabinet"] = self.cabinet
            drill = "/withdrawals?" + urlencode(query)
        share = row.figures.cost_cents / total_cost * 100 if total_cost else 0.0
        return Line(
            label=row.label,
            detail=row.detail,
            count=row.figures.count,
            quantity=row.figures.quantity,
            cost=yuan(row.figures.cost_cents),
            share=f"{share:.1f}%",
            drill=drill,
        )

    @rx.event
    async def load(self):
        principal = await require(self, PERMISSION)

        def read(session):
            options = listing.filter_options(session=session, scope=principal.scope)
            return options, scope_timezone(session=session, scope=principal.scope)

        options, timezone = await run_in_session(read)
        self.cabinets = [{"id": str(i), "name": n} for i, n in options.cabinets]
        self.departments = [{"id": str(i), "name": n} for i, n in options.departments]
        if not self.day:
            self.day = local_today(timezone).isoformat()
        await self._load()
        from app.reports.subscription_state import SubscriptionsState  # it reads this state

        return SubscriptionsState.load

    @rx.event
    async def apply(self, form: dict) -> None:
        await require(self, PERMISSION)
        form = form if isinstance(form, dict) else {}
        kind = str(form.get("kind") or "month")
        self.kind = kind if kind in KINDS else "month"
        self.day, self.last = str(form.get("day", ""))[:10], str(form.get("last", ""))[:10]
        self.department = str(form.get("department") or "all")[:12]
        self.cabinet = str(form.get("cabinet") or "all")[:12]
        await self._load()

    @rx.event
    async def shift(self, step: int) -> None:
        """The period before (-1) or after (+1) the one shown."""
        await require(self, PERMISSION)
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
    async def show(self, section: str | list[str]) -> None:
        principal = await require(self, PERMISSION)
        self.section = section if section in (*CONSUMPTION_SECTIONS, *LAZY) else "department"
        if self.section in LAZY:
            try:
                await self._load_lazy(principal.scope, self._period())
            except DomainError as refused:
                self.message = t(refused.key, await request_locale(self), **refused.params)

    @rx.event
    async def export(self, fmt: str):
        """Ask for the figures as a file: a job makes it (every person, every tab), the page
        follows its progress and then offers the download."""
        principal = await require(self, PERMISSION)
        if fmt not in exports.FORMATS:
            return None
        locale = await request_locale(self)
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
    async def watch_export(self):
        """Follow one's export until it is made (or fails), half a second at a time."""
        async with self:
            principal = await require(self, PERMISSION)
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
    async def download_export(self):
        principal = await require(self, PERMISSION)
        try:
            name, data = await run_in_session(
                export_file,
                scope=principal.scope,
                account_id=principal.account_id,
                run_id=as_id(self.export_id or 0),
            )
        except DomainError as refused:
            self.message = t(refused.key, await request_locale(self), **refused.params)
            return None
        return rx.download(data=data, filename=name)
