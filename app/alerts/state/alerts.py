"""The console's alerts page (`/alerts`, `alert:read`; `alert:ack` to acknowledge): every alert
by status and kind, newest first, keyset pages — the bell shows only the newest 20."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.alerts.service import ALERT_STATUSES, AlertView, acknowledge, list_alerts
from app.core.db import run_in_session
from app.core.i18n import t
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.paging import KeysetPaging
from app.ui.payload import as_id
from app.ui.session import actor_of, request_locale, require

READ, ACK = "alert:read", "alert:ack"
KINDS = (
    "low_stock",
    "cabinet_offline",
    "door_left_open",
    "ledger_mismatch",
    "quota_exceeded",
    "seq_gap",
)


class AlertListRow(TypedDict):
    id: int
    text: str  # the alert in the reader's language
    cabinet: str
    severity: str
    status: str
    at: str  # raised, in the tenant's zone
    occurrences: int


class AlertsState(KeysetPaging, rx.State):
    rows: list[AlertListRow] = []
    status: str = "unresolved"
    kind: str = "all"
    can_ack: bool = False
    loaded: bool = False

    def _read_permission(self) -> str:
        return READ

    async def _load(self) -> None:
        principal = await require(self, READ)
        self.can_ack = principal.can(ACK)
        locale = await request_locale(self)

        def read(session):
            page = list_alerts(
                session=session,
                scope=principal.scope,
                status=self.status,
                kind="" if self.kind == "all" else self.kind,
                after_id=self._after_id(),
                limit=self.page_size,
            )
            return page, scope_timezone(session=session, scope=principal.scope)

        page, timezone = await run_in_session(read)
        self.rows = alert_rows(page.rows, locale, timezone)
        self.next_after = page.next_after_id or 0
        self.total = page.total
        self.loaded = True

    @rx.event
    @guarded(READ)
    async def load(self) -> None:
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(READ)
    async def apply(self, form: dict) -> None:
        status, kind = str(form.get("status") or ""), str(form.get("kind") or "all")
        self.status = status if status in ALERT_STATUSES else "unresolved"
        self.kind = kind if kind in KINDS else "all"
        self.cursors = []
        await self._load()

    @rx.event
    @guarded(ACK)
    async def acknowledge(self, alert_id: int) -> None:
        principal = caller().principal
        await run_in_session(
            acknowledge,
            scope=principal.scope,
            alert_id=as_id(alert_id),
            actor=actor_of(self, principal),
        )
        await self._load()


def alert_rows(alerts: list[AlertView], locale: str, timezone: str) -> list[AlertListRow]:
    """The page's rows: each alert in the reader's language, raised in the tenant's zone."""
    return [
        AlertListRow(
            id=a.id,
            text=t(a.message_key, locale, **a.params),
            cabinet=a.cabinet or "—",
            severity=a.severity,
            status=a.status,
            at=local_time(a.raised_at, timezone, "%Y-%m-%d %H:%M"),
            occurrences=a.occurrences,
        )
        for a in alerts
    ]
