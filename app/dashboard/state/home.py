"""Home page view state: thin — asks the dashboard service, holds what the page shows."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from app.core.db import run_in_session
from app.core.tenancy import TenantScope
from app.dashboard import service
from app.dashboard.service import HomeFigures
from app.ui.format import local_time, yuan
from app.ui.guard import caller, guarded
from app.ui.navigation import landing_for
from app.ui.session import require

logger = logging.getLogger(__name__)


class RecentRow(TypedDict):
    id: int
    time: str
    person: str
    department: str
    cabinet: str
    qty: int
    amount: str


def _recent_rows(figures: HomeFigures, timezone: str) -> list[RecentRow]:
    return [
        RecentRow(
            id=row.id,
            time=local_time(row.created_at, timezone),
            person=row.person,
            department=row.department,
            cabinet=row.cabinet,
            qty=row.total_qty,
            amount=yuan(row.total_cost_cents),
        )
        for row in figures.recent
    ]


def _home_view(*, session: Session, scope: TenantScope) -> tuple[str, HomeFigures]:
    """Everything the home page shows, read in one unit of work."""
    return (
        service.scope_timezone(session=session, scope=scope),
        service.home_figures(session=session, scope=scope),
    )


class HomeState(rx.State):
    cabinets: int = 0
    cabinets_online: int = 0
    items: int = 0
    item_types: int = 0
    users: int = 0
    users_active: int = 0
    withdrawals_today: int = 0
    withdrawals_today_amount: str = "0.00"
    low_stock_slots: int = 0
    open_work_orders: int = 0
    open_alerts: int = 0
    recent: list[RecentRow] = []
    updated_at: str = ""
    loaded: bool = False
    load_failed: bool = False

    def _apply(self, figures: HomeFigures, timezone: str) -> None:
        self.cabinets = figures.cabinets
        self.cabinets_online = figures.cabinets_online
        self.items = figures.items
        self.item_types = figures.item_types
        self.users = figures.users
        self.users_active = figures.users_active
        self.withdrawals_today = figures.withdrawals_today
        self.withdrawals_today_amount = yuan(figures.withdrawals_today_cost_cents)
        self.low_stock_slots = figures.low_stock_slots
        self.open_work_orders = figures.open_work_orders
        self.open_alerts = figures.open_alerts
        self.recent = _recent_rows(figures, timezone)
        self.updated_at = datetime.now(ZoneInfo(timezone)).strftime("%H:%M:%S")

    @rx.event
    @guarded(None)
    async def load(self):
        """The figures of the caller's scope (the tenant chosen in the header, or all of theirs);
        a person without the console's figures goes to the page of their role (an employee to
        their phone page, provider staff to their work orders)."""
        signed_in = caller().principal
        if not signed_in.can("dashboard:read"):
            return rx.redirect(landing_for(signed_in.permissions))
        principal = await require(self, "dashboard:read")
        try:
            timezone, figures = await run_in_session(_home_view, scope=principal.scope)
        except Exception:
            logger.exception("home figures failed")
            self.load_failed = True
            return
        self._apply(figures, timezone)
        self.loaded = True
        self.load_failed = False
