"""The org sync from WeCom (企业微信) as a service: the dry run, the apply (one unit of work through
the org services that upsert by external id, app/org/services/sync.py), the log of runs and the
tenant's schedule. No network here: the directory comes in (app/org/services/directory_flows.py
fetches it); what the plan does is app/org/services/directory_plan.py.

Dry run first: an admin applies a plan they have reviewed (the preview's digest must still be
the plan's, and fresh); only after that first apply may the schedule be switched on. A
scheduled run is held (recorded, nothing changed) when it would disable more people than
`mass_disable_limit` allows: an app whose visible range shrank is not the company's staff
leaving.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor, record_created, update_scoped
from app.core.errors import DomainError, ValidationError
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope, get_scoped, scoped_count, scoped_select
from app.org.models import (
    Department,
    OrgSyncRun,
    OrgSyncSettings,
    SyncStatus,
    SyncTrigger,
    User,
)
from app.org.services import departments, sync
from app.org.services.directory_plan import PREFIX, SyncPlan, plan_sync
from app.org.services.wecom_directory import Directory
from app.sso.models import ImApp, ImKind, ImMatch
from app.sso.services.im import ImConfig
from app.sso.services.im_service import app_config, im_row
from app.tenants.models import Tenant
from app.tenants.services.status import is_suspended

SCHEDULER = Actor(account_id=None, name="org sync")  # the audit log's name for scheduled runs
PREVIEW_TTL = timedelta(minutes=15)  # a dry run older than this is reviewed again
INTERVAL_HOURS = (1, 168)
MASS_DISABLE_SHARE, MASS_DISABLE_FLOOR = 0.2, 10


def settings_of(session: Session, tenant_id: int) -> OrgSyncSettings | None:
    return session.exec(scoped_select(OrgSyncSettings, TenantScope.single(tenant_id))).first()


def source_config(*, session: Session, scope: TenantScope, tenant_id: int) -> ImConfig:
    """The tenant's WeCom app to read the directory with, or "orgsync.not_configured"."""
    scope.require(tenant_id)
    tenant = session.get(Tenant, tenant_id)
    config = app_config(session, tenant, ImKind.wecom.value) if tenant else None
    if config is None:
        raise DomainError("orgsync.not_configured")
    return config


def plan_for(
    *, session: Session, scope: TenantScope, tenant_id: int, directory: Directory
) -> SyncPlan:
    """What a sync would do to the tenant now (nothing is written)."""
    scope.require(tenant_id)
    own = TenantScope.single(tenant_id)
    app = im_row(session, tenant_id, ImKind.wecom.value)
    return plan_sync(
        directory=directory,
        departments=list(session.exec(scoped_select(Department, own))),
        people=list(session.exec(scoped_select(User, own))),
        match_by_phone=app is not None and app.match_field == ImMatch.phone.value,
    )


def _run(
    tenant_id: int,
    trigger: SyncTrigger,
    actor: Actor,
    started_at: datetime,
    now: datetime,
    **fields: Any,
) -> OrgSyncRun:
    return OrgSyncRun(
        tenant_id=tenant_id,
        trigger=trigger.value,
        dry_run=trigger == SyncTrigger.preview,
        started_at=started_at,
        finished_at=now,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        **fields,
    )


def record_preview(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    directory: Directory,
    actor: Actor,
    started_at: datetime,
    now: datetime,
) -> tuple[OrgSyncRun, SyncPlan]:
    """A dry run: the plan, and a run that remembers its digest for the apply to check."""
    plan = plan_for(session=session, scope=scope, tenant_id=tenant_id, directory=directory)
    run = _run(
        tenant_id, SyncTrigger.preview, actor, started_at, now,
        status=SyncStatus.succeeded.value, counts=plan.counts(), plan_digest=plan.digest(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run, plan


def record_failure(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    trigger: SyncTrigger,
    actor: Actor,
    started_at: datetime,
    now: datetime,
    error_key: str,
    error_params: dict[str, str],
) -> OrgSyncRun:
    """A run that failed (in a unit of work of its own: the failed apply changed nothing)."""
    scope.require(tenant_id)
    run = _run(
        tenant_id, trigger, actor, started_at, now, status=SyncStatus.failed.value,
        error_key=error_key[:64], error_params={k: str(v)[:200] for k, v in error_params.items()},
    )  # fmt: skip
    session.add(run)
    session.flush()
    return run


def _locked_settings(session: Session, tenant_id: int, actor: Actor) -> OrgSyncSettings:
    """The tenant's settings row, made on the first apply; locked so runs take turns."""
    row = session.exec(
        select(OrgSyncSettings).where(OrgSyncSettings.tenant_id == tenant_id).with_for_update()
    ).first()
    if row is None:
        row = OrgSyncSettings(tenant_id=tenant_id)
        session.add(row)
        session.flush()
        record_created(session, row, actor=actor)
    return row


def _check_reviewed(
    session: Session, tenant_id: int, preview_run_id: int | None, plan: SyncPlan, now: datetime
) -> None:
    """An admin's apply carries out the plan they reviewed: that dry run, fresh, unchanged."""
    own = TenantScope.single(tenant_id)
    preview = get_scoped(session, OrgSyncRun, preview_run_id, own) if preview_run_id else None
    if (
        preview is None
        or preview.trigger != SyncTrigger.preview.value
        or preview.status != SyncStatus.succeeded.value
    ):
        raise DomainError("orgsync.preview_first")
    applied_since = session.exec(
        scoped_select(OrgSyncRun, own).where(
            col(OrgSyncRun.id) > preview.id,
            col(OrgSyncRun.dry_run).is_(False),
            OrgSyncRun.status == SyncStatus.succeeded.value,
        )
    ).first()
    if (
        applied_since is not None
        or now - as_utc(preview.finished_at) > PREVIEW_TTL
        or preview.plan_digest != plan.digest()
    ):
        raise DomainError("orgsync.stale")


def mass_disable_limit(session: Session, tenant_id: int) -> int:
    """How many people a scheduled run may disable: a fifth of the active people linked to
    WeCom, at least MASS_DISABLE_FLOOR."""
    linked = scoped_count(
        session,
        User,
        TenantScope.single(tenant_id),
        col(User.external_id).startswith(PREFIX),
        User.is_active,
    )
    return max(MASS_DISABLE_FLOOR, int(linked * MASS_DISABLE_SHARE))


def apply_directory(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    directory: Directory,
    actor: Actor,
    trigger: SyncTrigger,
    started_at: datetime,
    now: datetime,
    preview_run_id: int | None = None,
) -> tuple[OrgSyncRun, SyncPlan]:
    """Bring the tenant in line with the directory, all or nothing, audited as one run."""
    scope.require(tenant_id)
    settings = _locked_settings(session, tenant_id, actor)
    plan = plan_for(session=session, scope=scope, tenant_id=tenant_id, directory=directory)
    if trigger == SyncTrigger.manual:
        _check_reviewed(session, tenant_id, preview_run_id, plan, now)
    elif not settings.enabled or settings.first_applied_at is None:
        raise DomainError("orgsync.not_confirmed")
    elif len(plan.person_disables) > mass_disable_limit(session, tenant_id):
        raise DomainError("orgsync.held", count=str(len(plan.person_disables)))
    if plan.blocked:
        raise DomainError("orgsync.blocked", count=str(len(plan.blockers)))
    apply_plan(session=session, tenant_id=tenant_id, plan=plan, actor=actor)
    settings.first_applied_at = settings.first_applied_at or now
    settings.last_success_at = now
    session.add(settings)
    counts = plan.counts()
    run = _run(
        tenant_id, trigger, actor, started_at, now, status=SyncStatus.succeeded.value,
        counts=counts, plan_digest=plan.digest(),
    )  # fmt: skip
    session.add(run)
    session.flush()
    audit.record(
        session=session, action="org_sync_run.apply", entity="org_sync_run", entity_id=run.id,
        tenant_id=tenant_id, actor_account_id=actor.account_id, actor_name=actor.name,
        after={"trigger": trigger.value, **counts}, ip=actor.ip,
    )  # fmt: skip
    return run, plan


def apply_plan(*, session: Session, tenant_id: int, plan: SyncPlan, actor: Actor) -> None:
    """Carry the plan out through the org services (each change audited by them); links
    first, parents before children, people before the departments they leave."""
    own = TenantScope.single(tenant_id)

    def link(model: type, row_id: int | None, external_id: str) -> None:
        update_scoped(session, model, row_id, own, {"external_id": external_id}, actor=actor)

    for change in plan.departments:
        if change.link:
            link(Department, change.department_id, change.external_id)
    for change in plan.departments:
        sync.upsert_department(
            session=session, scope=own, tenant_id=tenant_id, external_id=change.external_id,
            name=change.name, parent_external_id=change.parent_external_id, actor=actor,
        )  # fmt: skip
    for person in plan.people:
        if person.link:
            link(User, person.user_id, person.external_id)
        sync.upsert_person(
            session=session, scope=own, tenant_id=tenant_id, external_id=person.external_id,
            spec=person.spec, actor=actor,
        )  # fmt: skip
    for gone in plan.person_disables:
        if gone.link:
            link(User, gone.user_id, gone.external_id)
        sync.disable_person(
            session=session, scope=own, tenant_id=tenant_id, external_id=gone.external_id,
            actor=actor,
        )  # fmt: skip
    for department in plan.dept_disables:
        departments.set_department_active(
            session=session, scope=own, department_id=department.department_id, active=False,
            actor=actor,
        )  # fmt: skip


def save_schedule(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    enabled: bool,
    interval_hours: int,
    actor: Actor,
    now: datetime,
) -> OrgSyncSettings:
    """Switch the scheduled sync on or off and set how often; only after a first apply."""
    scope.require(tenant_id)
    low, high = INTERVAL_HOURS
    if not low <= interval_hours <= high:
        raise ValidationError("orgsync.bad_interval", field="interval_hours")
    row = settings_of(session, tenant_id)
    if row is None or row.first_applied_at is None:
        raise DomainError("orgsync.first_sync_needed")
    changes = {"enabled": enabled, "interval_hours": interval_hours, "updated_at": now}
    return update_scoped(session, OrgSyncSettings, row.id, scope, changes, actor=actor)


def due_tenants(*, session: Session, now: datetime) -> list[int]:
    """Tenants whose scheduled sync is on, confirmed by a first apply, and due: the interval
    has passed since their last successful run (a failed one is tried again next hour)."""
    configured = set(session.exec(select(ImApp.tenant_id).where(ImApp.kind == ImKind.wecom.value)))
    due = []
    for row in session.exec(
        select(OrgSyncSettings)
        .where(OrgSyncSettings.enabled, col(OrgSyncSettings.first_applied_at).is_not(None))
        .order_by(col(OrgSyncSettings.tenant_id))
    ):
        last = as_utc(row.last_success_at)
        if row.tenant_id not in configured or is_suspended(session, row.tenant_id):
            continue
        if last is None or now - last >= timedelta(hours=row.interval_hours):
            due.append(row.tenant_id)
    return due
