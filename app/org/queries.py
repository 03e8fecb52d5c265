"""What the org sync page shows: the WeCom app the directory is read through (never its Secret),
the schedule, the latest runs newest first, and a plan's changes grouped for review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col

from app.core.i18n import t
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import OrgSyncRun
from app.org.services.directory_plan import PREFIX, Note, PersonChange, SyncPlan
from app.org.services.directory_sync import settings_of
from app.sso.models import ImKind
from app.sso.services.im_service import im_row
from app.tenants.services.status import is_suspended

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class RunView:
    id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime
    counts: dict[str, int]
    error_key: str
    error_params: dict[str, str]
    actor: str


@dataclass(frozen=True)
class SyncOverview:
    configured: bool
    app_id: str  # WeCom's CorpID
    agent_id: str
    match_field: str
    enabled: bool
    interval_hours: int
    first_applied_at: datetime | None
    last_success_at: datetime | None
    runs: list[RunView]


def sync_overview(*, session: Session, scope: TenantScope, tenant_id: int) -> SyncOverview:
    scope.require(tenant_id)
    app = im_row(session, tenant_id, ImKind.wecom.value)
    settings = settings_of(session, tenant_id)
    runs = session.exec(
        scoped_select(OrgSyncRun, TenantScope.single(tenant_id))
        .order_by(col(OrgSyncRun.id).desc())
        .limit(HISTORY_LIMIT)
    )
    return SyncOverview(
        configured=app is not None and not is_suspended(session, tenant_id),
        app_id=app.app_id if app else "",
        agent_id=app.agent_id if app else "",
        match_field=app.match_field if app else "",
        enabled=bool(settings and settings.enabled),
        interval_hours=settings.interval_hours if settings else 24,
        first_applied_at=as_utc(settings.first_applied_at) if settings else None,
        last_success_at=as_utc(settings.last_success_at) if settings else None,
        runs=[
            RunView(
                id=pk(r),
                trigger=r.trigger,
                status=r.status,
                started_at=as_utc(r.started_at),
                finished_at=as_utc(r.finished_at),
                counts=dict(r.counts or {}),
                error_key=r.error_key,
                error_params=dict(r.error_params or {}),
                actor=r.actor_name or "",
            )
            for r in runs
        ],
    )


# --- a plan as the page shows it --------------------------------------------------------------

ROWS_SHOWN = 200  # per group; the counts say how many there are in all


@dataclass(frozen=True)
class PlanGroup:
    key: str  # orgsync.group.<key> names it
    count: int
    rows: list[tuple[str, str]]  # (whom, what happens)


def _arrow(before: str, after: str, locale: str) -> str:
    empty = t("orgsync.none", locale)
    return f"{before or empty} → {after or empty}"


def _person_changes(change: PersonChange, locale: str) -> str:
    parts = [
        f"{t(f'orgsync.field.{c.field}', locale)}: {_arrow(c.before, c.after, locale)}"
        for c in change.changes
    ]
    if change.link:
        parts.insert(0, t("orgsync.linked", locale, userid=change.external_id[len(PREFIX) :]))
    return "; ".join(parts)


def _note(note: Note, locale: str) -> tuple[str, str]:
    return note.subject, t(note.key, locale, **note.params)


def plan_groups(plan: SyncPlan, locale: str) -> list[PlanGroup]:
    """The plan's changes grouped (departments new / renamed / moved / restored / linked /
    disabled; people new / changed / disabled; then what blocks it and what is left out),
    the empty groups left out."""
    d, none = plan.departments, t("orgsync.top", locale)
    new_people = [p for p in plan.people if p.user_id is None]
    changed = [p for p in plan.people if p.user_id is not None]
    groups = {
        "blockers": [_note(n, locale) for n in plan.blockers],
        "dept_new": [(c.name, c.parent_name or none) for c in d if c.created],
        "dept_renamed": [(c.name, _arrow(c.name_before, c.name, locale)) for c in d if c.renamed],
        "dept_moved": [
            (c.name, _arrow(c.parent_before or none, c.parent_name or none, locale))
            for c in d
            if c.moved
        ],
        "dept_enabled": [(c.name, "") for c in d if c.enabled],
        "dept_linked": [(c.name, c.external_id) for c in d if c.link],
        "dept_disabled": [(c.name, "") for c in plan.dept_disables],
        "person_new": [
            (p.spec.name, " · ".join(v for v in (p.department_name, p.spec.phone or "") if v))
            for p in new_people
        ],
        "person_changed": [(p.spec.name, _person_changes(p, locale)) for p in changed],
        "person_disabled": [
            (p.name, t(f"orgsync.reason.{p.reason}", locale)) for p in plan.person_disables
        ],
        "skipped": [_note(n, locale) for n in plan.skipped],
    }
    return [PlanGroup(key, len(rows), rows[:ROWS_SHOWN]) for key, rows in groups.items() if rows]


def summary(counts: dict[str, int], locale: str) -> str:
    """A run's counts in one line."""
    keys: tuple[str, ...] = ("dept_new", "dept_renamed", "dept_moved", "dept_disabled")
    keys += ("person_new", "person_changed", "person_disabled")
    return t("orgsync.summary", locale, **{k: int(counts.get(k, 0)) for k in keys})
