"""The org sync page (`/org-sync`, `org:sync`): the WeCom app the directory is read through, a dry
run showing what a sync would change, its apply (only the plan just reviewed, still current),
the schedule (only after a first apply) and the runs so far. The rules are
app/org/services/directory_sync.py; WeCom is read by app/org/services/directory_flows.py."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from app.core.db import run_in_session
from app.core.errors import DomainError, ValidationError
from app.core.i18n import t
from app.core.model_base import utcnow
from app.org import queries as orgsync_queries
from app.org.services import directory_flows
from app.org.services.directory_sync import INTERVAL_HOURS, save_schedule
from app.tenants.queries import scope_timezone
from app.ui.format import local_time
from app.ui.guard import caller, guarded
from app.ui.payload import is_digits
from app.ui.session import actor_of, request_locale, require, working_tenant

SYNC = "org:sync"
WHEN = "%Y-%m-%d %H:%M"


class PlanRow(TypedDict):
    who: str
    what: str


class PlanGroupView(TypedDict):
    key: str
    count: int
    rows: list[PlanRow]


class RunRow(TypedDict):
    id: int
    at: str
    trigger: str
    status: str
    summary: str
    error: str
    actor: str


def _interval(form: object) -> tuple[bool, int]:
    form = form if isinstance(form, dict) else {}
    text = str(form.get("interval_hours", "")).strip()
    low, high = INTERVAL_HOURS
    if not is_digits(text) or not low <= int(text) <= high:
        raise ValidationError("orgsync.bad_interval", field="interval_hours")
    return str(form.get("enabled", "")).lower() in ("on", "true", "1", "yes"), int(text)


class OrgSyncState(rx.State):
    loaded: bool = False
    choose_tenant: bool = False  # "all tenants" is selected: a sync is one tenant's
    configured: bool = False
    app_id: str = ""  # WeCom's CorpID
    agent_id: str = ""
    match_field: str = ""
    confirmed: bool = False  # a first sync has been applied: the schedule may be switched on
    enabled: bool = False
    interval_hours: str = "24"
    last_success: str = ""
    history: list[RunRow] = []
    groups: list[PlanGroupView] = []
    preview_run_id: int = 0
    previewed_at: str = ""
    plan_empty: bool = False
    blocked: bool = False
    busy: bool = False
    message: str = ""  # a refusal or a failed run, translated
    schedule_saved: bool = False
    _timezone: str = "Asia/Shanghai"

    async def _load(self) -> None:
        principal = await require(self, SYNC)
        self.choose_tenant = principal.active_tenant_id is None
        self.loaded = True
        if self.choose_tenant:
            return
        locale = await request_locale(self)

        def read(session):
            overview = orgsync_queries.sync_overview(
                session=session, scope=principal.scope, tenant_id=principal.active_tenant_id
            )
            return overview, scope_timezone(session=session, scope=principal.scope)

        overview, timezone = await run_in_session(read)
        self._timezone = timezone
        self.configured, self.app_id = overview.configured, overview.app_id
        self.agent_id, self.match_field = overview.agent_id, overview.match_field
        self.confirmed = overview.first_applied_at is not None
        self.enabled, self.interval_hours = overview.enabled, str(overview.interval_hours)
        last = overview.last_success_at
        self.last_success = local_time(last, timezone, WHEN) if last else ""
        self.history = run_rows(overview.runs, locale, timezone)

    def _forget_plan(self) -> None:
        self.groups, self.preview_run_id, self.previewed_at = [], 0, ""
        self.plan_empty = self.blocked = False

    @rx.var
    def can_apply(self) -> bool:
        return self.preview_run_id > 0 and not self.blocked and not self.busy

    @rx.event
    @guarded(SYNC)
    async def load(self) -> None:
        self.message, self.schedule_saved, self.busy = "", False, False
        self._forget_plan()
        await self._load()

    async def _run(self, flow, **kwargs) -> directory_flows.RunOutcome | None:
        """Run a dry run or an apply for the caller's working tenant; None when refused before
        it started (the message says why). The page shows it is busy meanwhile."""
        principal = await require(self, SYNC)
        tenant_id = await working_tenant(self, principal)
        locale = await request_locale(self)
        self.busy, self.message = True, ""
        try:
            return await flow(
                scope=principal.scope,
                tenant_id=tenant_id,
                actor=actor_of(self, principal),
                **kwargs,
            )
        except DomainError as refused:  # no WeCom app set up: no run was started
            self.message = t(refused.key, locale, **refused.params)
            return None
        finally:
            self.busy = False

    def _show_plan(self, outcome: directory_flows.RunOutcome, locale: str) -> None:
        plan = outcome.plan
        if not outcome.succeeded or plan is None:
            self.message = t(outcome.error_key, locale, **outcome.error_params)
            return
        self.groups = [
            PlanGroupView(
                key=g.key, count=g.count, rows=[PlanRow(who=w, what=x) for w, x in g.rows]
            )
            for g in orgsync_queries.plan_groups(plan, locale)
        ]
        self.preview_run_id = outcome.run_id
        self.plan_empty, self.blocked = plan.is_empty, plan.blocked
        self.previewed_at = local_time(utcnow(), self._timezone, "%H:%M:%S")

    @rx.event
    @guarded(SYNC)
    async def preview(self):
        """Read WeCom and show what a sync would change (nothing is changed)."""
        if self.busy:
            return
        self._forget_plan()
        self.busy, self.message = True, ""
        yield
        outcome = await self._run(directory_flows.preview)
        if outcome is not None:
            self._show_plan(outcome, caller().locale)
        await self._load()

    @rx.event
    @guarded(SYNC)
    async def apply(self):
        """Carry out the plan just reviewed, if it is still the plan (else: review again)."""
        locale = caller().locale
        if self.busy or not self.preview_run_id:
            self.message = t("orgsync.preview_first", locale)
            return
        preview_run_id = self.preview_run_id
        self.busy, self.message = True, ""
        yield
        outcome = await self._run(directory_flows.apply, preview_run_id=preview_run_id)
        self._forget_plan()
        await self._load()
        if outcome is not None and not outcome.succeeded:
            self.message = t(outcome.error_key, locale, **outcome.error_params)
        elif outcome is not None:
            yield rx.toast.success(t("orgsync.applied", locale), id="orgsync-applied")

    @rx.event
    @guarded(SYNC)
    async def save_schedule(self, form: dict) -> None:
        """Switch the scheduled sync on or off, and how often (after a first apply only)."""
        principal = caller().principal
        tenant_id = await working_tenant(self, principal)
        locale = caller().locale
        try:
            enabled, hours = _interval(form)
            await run_in_session(
                save_schedule,
                scope=principal.scope,
                tenant_id=tenant_id,
                enabled=enabled,
                interval_hours=hours,
                actor=actor_of(self, principal),
                now=utcnow(),
            )
        except DomainError as refused:
            self.message, self.schedule_saved = t(refused.key, locale, **refused.params), False
            return
        self.message, self.schedule_saved = "", True
        await self._load()


def run_rows(runs: list[orgsync_queries.RunView], locale: str, timezone: str) -> list[RunRow]:
    """The sync history: each run started in the tenant's zone, how and what in the reader's
    language."""
    return [
        RunRow(
            id=r.id,
            at=local_time(r.started_at, timezone, WHEN),
            trigger=t(f"orgsync.trigger.{r.trigger}", locale),
            status=r.status,
            summary=orgsync_queries.summary(r.counts, locale) if r.counts else "",
            error=t(r.error_key, locale, **r.error_params) if r.error_key else "",
            actor=r.actor,
        )
        for r in runs
    ]
