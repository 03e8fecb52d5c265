"""Subscribing to the report on the reports page (`report:subscribe`): a dialog with the period,
the channel, its address and secret, and the page's filters; one's subscriptions with how the
latest delivery went (and why not), paused and resumed here."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.i18n import t
from app.reports.services import subscriptions as subs
from app.reports.state.reports import ReportsState
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import as_id, optional_id
from app.ui.session import actor_of, require, working_tenant

SUBSCRIBE = "report:subscribe"


class SubscriptionLine(TypedDict):
    id: int
    kind: str
    channel: str
    target: str
    active: bool
    next: str  # the next run in the tenant's zone ("—" when paused or none)
    status: str  # the latest delivery's: "", pending, sent, failed
    error: str
    attempts: int
    period: str


class SubscriptionsState(rx.State):
    rows: list[SubscriptionLine] = []
    allowed: bool = False
    open: bool = False
    message: str = ""

    async def _load(self) -> None:
        principal = await require(self, "report:read")
        self.allowed = principal.can(SUBSCRIBE)
        if not self.allowed:
            self.rows = []
            return

        def read(session):
            views = subs.my_subscriptions(
                session=session, scope=principal.scope, account_id=principal.account_id
            )
            return views, scope_timezone(session=session, scope=principal.scope)

        views, timezone = await run_in_session(read)
        self.rows = subscription_lines(views, timezone)

    @rx.event
    @guarded("report:read")
    async def load(self) -> None:
        self.open, self.message = False, ""
        await self._load()

    @rx.event
    @guarded(SUBSCRIBE)
    async def start(self) -> None:
        self.open, self.message = True, ""

    @rx.event
    @guarded("report:read")
    async def close(self) -> None:
        self.open = False

    @rx.event
    @guarded(SUBSCRIBE)
    async def subscribe(self, form: dict) -> None:
        principal = caller().principal
        report = await self.get_state(ReportsState)
        locale = caller().locale
        try:
            spec = subs.SubscriptionSpec(
                kind=str(form.get("kind", "")),
                channel=str(form.get("channel", "")),
                target=str(form.get("target", ""))[:500],
                secret=str(form.get("secret", ""))[:200],
                department_id=optional_id(report.department),
                cabinet_id=optional_id(report.cabinet),
            )
            await run_in_session(
                subs.subscribe,
                scope=principal.scope,
                tenant_id=await working_tenant(self, principal),
                account_id=principal.account_id,
                spec=spec,
                actor=actor_of(self, principal),
            )
        except DomainError as refused:
            field = refused.params.get("field", "")
            self.message = t(
                refused.key,
                locale,
                **(refused.params | {"field": t(f"subs.field.{field}", locale)}),
            )
            return
        self.open, self.message = False, ""
        await self._load()

    @rx.event
    @guarded(SUBSCRIBE)
    async def toggle(self, subscription_id: int, active: bool) -> None:
        principal = caller().principal
        await run_in_session(
            subs.set_active,
            scope=principal.scope,
            account_id=principal.account_id,
            subscription_id=as_id(subscription_id),
            active=bool(active),
            actor=actor_of(self, principal),
        )
        await self._load()


def subscription_lines(views: list[subs.SubscriptionView], timezone: str) -> list[SubscriptionLine]:
    """One's subscriptions: the next run in the tenant's zone (none while paused) and how the
    latest delivery went."""
    return [
        SubscriptionLine(
            id=v.id,
            kind=v.kind,
            channel=v.channel,
            target=v.target,
            active=v.is_active,
            next=local_time(v.next_run_at, timezone, "%Y-%m-%d %H:%M")
            if v.next_run_at and v.is_active
            else "—",
            status=v.last_status,
            error=v.last_error,
            attempts=v.last_attempts,
            period=v.last_period,
        )
        for v in views
    ]
