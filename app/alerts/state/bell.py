"""The console's alert centre (the bell in the header): live, without reload.

Each console page's load calls `follow`, which registers the tab with the process's fan-out
(app/core/fanout.py) under the person's tenant scope; the fan-out pokes the tab, and the tab's
`arrived` re-reads its own alert centre through the ordinary authorized path and toasts the new
ones. `push_alerts` is the web process's lifespan task that runs the fan-out (app/ui/push.py).
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.alerts.service import AlertView, acknowledge, alert_centre
from app.auth.services.principal import Principal
from app.core.db import run_in_session
from app.core.i18n import t
from app.dashboard.state.home import HomeState
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded, public
from app.ui.payload import as_id
from app.ui.push import Push
from app.ui.session import actor_of, current_principal, request_locale

TOASTS_AT_ONCE = 3  # more new alerts than this at once: one toast that says how many


class AlertRow(TypedDict):
    id: int
    text: str
    severity: str
    status: str
    at: str
    occurrences: int


class AlertCentreState(rx.State):
    visible: bool = False  # the person may read alerts
    can_ack: bool = False
    unresolved: int = 0
    unseen: int = 0  # raised since the panel was last opened
    rows: list[AlertRow] = []
    _newest_id: int = 0

    @rx.event
    @public("reads the caller's own scope, only with alert:read (checked)")
    async def follow(self):
        """On every console page's load: follow this tab's alerts (nothing for people who may
        not read them: no refusal toast on every page)."""
        principal = await current_principal(self)
        self.visible = principal is not None and principal.can("alert:read")
        if not self.visible:
            return
        self.can_ack = principal.can("alert:ack")
        ALERTS.follow(self.router.session.client_token, principal.scope)
        await self._read(principal)

    @rx.event
    @guarded("alert:read")
    async def arrived(self):
        """The fan-out's poke: re-read, and toast what is new since the last read."""
        principal = caller().principal
        before = self._newest_id
        fresh = [a for a in await self._read(principal) if a.id > before]
        self.unseen += len(fresh)
        toasts = self._toasts(fresh, caller().locale)
        if (self.router.url.path or "/").rstrip("/") == "":
            toasts.append(HomeState.load)  # the home figures count alerts and low slots too
        return toasts

    @rx.event
    @guarded("alert:read")
    async def opened(self):
        self.unseen = 0

    @rx.event
    @guarded("alert:ack")
    async def acknowledge(self, alert_id: int):
        principal = caller().principal
        await run_in_session(
            acknowledge,
            scope=principal.scope,
            alert_id=as_id(alert_id),
            actor=actor_of(self, principal),
        )
        await self._read(principal)

    async def _read(self, principal: Principal) -> list[AlertView]:
        def read(session):
            centre = alert_centre(session=session, scope=principal.scope)
            return centre, scope_timezone(session=session, scope=principal.scope)

        centre, timezone = await run_in_session(read)
        locale = await request_locale(self)
        self.unresolved = centre.unresolved
        self.rows = bell_rows(centre.newest, locale, timezone)
        self._newest_id = max([self._newest_id, *(a.id for a in centre.newest)])
        return centre.newest

    @staticmethod
    def _toasts(fresh: list[AlertView], locale: str) -> list:
        if len(fresh) > TOASTS_AT_ONCE:
            return [rx.toast.warning(t("alerts.many_new", locale, count=len(fresh)))]
        return [
            (rx.toast.error if a.severity == "critical" else rx.toast.warning)(
                t(a.message_key, locale, **a.params), id=f"alert-{a.id}", duration=8000
            )
            for a in fresh
        ]


# The web process's alert fan-out: one bus subscription, pokes to the tabs following.
ALERTS = Push(("tenant:*:alert",), lambda: AlertCentreState.arrived)
push_alerts = ALERTS.task


def bell_rows(alerts: list[AlertView], locale: str, timezone: str) -> list[AlertRow]:
    """The bell's newest alerts: each in the reader's language, raised in the tenant's zone."""
    return [
        AlertRow(
            id=a.id,
            text=t(a.message_key, locale, **a.params),
            severity=a.severity,
            status=a.status,
            at=local_time(a.raised_at, timezone),
            occurrences=a.occurrences,
        )
        for a in alerts
    ]
