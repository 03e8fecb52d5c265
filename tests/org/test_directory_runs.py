"""Org sync runs end to end against the WeCom stand-in: the dry run and its apply through the
network, a failed apply changing nothing, WeCom's errors recorded on the run, and the hourly
job syncing only the tenants that confirmed a first sync and are due — each on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app import jobs
from app.audit.models import AuditLog
from app.core.errors import DomainError, PermissionDeniedError
from app.core.tenancy import TenantScope
from app.org.models import Department, OrgSyncRun, OrgSyncSettings, User
from app.org.queries import sync_overview
from app.org.services import directory_flows as flows
from app.org.services import sync
from app.sso.models import ImApp, ImKind
from app.tenants.models import Tenant, TenantStatus
from tests.org.orgsync_world import ADMIN, NOW, Router, access, company, dept, member, serve


def _world(engine: Engine, match_field: str = "employee_no"):
    with Session(engine, expire_on_commit=False) as session:
        tenant, standin = company(session, match_field)
    serve(
        standin,
        [dept(2, "销售部"), dept(3, "研发部")],
        [
            member("zhangwei", "张伟", 2, mobile="13800000001"),
            member("lina", "李娜", 3, 2, main_department=3),  # listed under both: one person
        ],
    )
    return tenant, standin


async def _sync_by_hand(engine: Engine, tenant, standin, clock=lambda: NOW) -> flows.RunOutcome:
    scope = TenantScope.single(tenant.id)
    common = {"scope": scope, "tenant_id": tenant.id, "actor": ADMIN, "clock": clock}
    shown = await flows.preview(**common, access=access(standin), engine=engine)
    assert shown.succeeded, shown
    return await flows.apply(
        **common, preview_run_id=shown.run_id, access=access(standin), engine=engine
    )


def _schedule(engine: Engine, tenant_id: int, *, hours: int = 24, enabled: bool = True) -> None:
    with Session(engine) as session:
        row = session.exec(
            select(OrgSyncSettings).where(OrgSyncSettings.tenant_id == tenant_id)
        ).one()
        row.enabled, row.interval_hours = enabled, hours
        session.add(row)
        session.commit()


def _runs(engine: Engine, tenant_id: int) -> list[OrgSyncRun]:
    with Session(engine) as session:
        statement = select(OrgSyncRun).where(OrgSyncRun.tenant_id == tenant_id)
        return list(session.exec(statement.order_by(OrgSyncRun.id)))


def _count(engine: Engine, model, tenant_id: int) -> int:
    with Session(engine) as session:
        statement = select(func.count()).select_from(model).where(model.tenant_id == tenant_id)
        return session.exec(statement).one()


async def test_a_dry_run_then_its_apply_through_wecom(engine: Engine) -> None:
    tenant, standin = _world(engine)
    done = await _sync_by_hand(engine, tenant, standin)
    assert done.succeeded and done.plan.counts()["person_new"] == 2
    assert _count(engine, User, tenant.id) == 2 and _count(engine, Department, tenant.id) == 2
    preview_run, applied = _runs(engine, tenant.id)
    assert (preview_run.trigger, preview_run.dry_run, applied.trigger) == (
        "preview",
        True,
        "manual",
    )
    assert applied.counts["dept_new"] == 2 and applied.status == "succeeded"


async def test_a_failed_apply_changes_nothing_and_is_recorded(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant, standin = _world(engine)
    real, calls = sync.upsert_person, []

    def breaks_on_the_second(**kwargs):
        calls.append(kwargs["external_id"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(sync, "upsert_person", breaks_on_the_second)
    outcome = await _sync_by_hand(engine, tenant, standin)
    assert not outcome.succeeded and outcome.error_key == "orgsync.failed"
    assert len(calls) == 2  # departments and a person were written before it broke
    assert _count(engine, User, tenant.id) == 0 and _count(engine, Department, tenant.id) == 0
    assert _count(engine, OrgSyncSettings, tenant.id) == 0
    with Session(engine) as session:
        actions = set(session.exec(select(AuditLog.action).where(AuditLog.tenant_id == tenant.id)))
    assert not actions & {"department.create", "app_user.create", "org_sync_run.apply"}
    failed = _runs(engine, tenant.id)[-1]
    assert (failed.status, failed.error_params) == ("failed", {"error": "RuntimeError"})


async def test_a_wecom_error_is_recorded_on_the_run(engine: Engine) -> None:
    tenant, standin = _world(engine)
    standin.failures["/cgi-bin/user/list"] = 60011  # the app may not see that department
    outcome = await flows.preview(
        scope=TenantScope.single(tenant.id), tenant_id=tenant.id, actor=ADMIN,
        access=access(standin), clock=lambda: NOW, engine=engine,
    )  # fmt: skip
    assert not outcome.succeeded
    assert (outcome.error_key, outcome.error_params) == (
        "orgsync.unavailable",
        {"reason": "wecom_user_list_60011"},
    )
    (run,) = _runs(engine, tenant.id)
    assert run.dry_run and run.error_params == {"reason": "wecom_user_list_60011"}


async def test_malformed_answers_fail_the_run_instead_of_disabling_people(engine: Engine) -> None:
    tenant, standin = _world(engine)
    assert (await _sync_by_hand(engine, tenant, standin)).succeeded
    standin.members["lina"]["status"] = "gone"  # not a status: the whole read is refused
    outcome = await flows.preview(
        scope=TenantScope.single(tenant.id), tenant_id=tenant.id, actor=ADMIN,
        access=access(standin), clock=lambda: NOW, engine=engine,
    )  # fmt: skip
    assert outcome.error_params == {"reason": "wecom_user_list_malformed"}


async def test_the_job_syncs_only_confirmed_tenants_when_their_interval_is_due(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    due, standin_due = _world(engine)
    recent, standin_recent = _world(engine)
    off, standin_off = _world(engine)
    never, standin_never = _world(engine)
    for tenant, standin in ((due, standin_due), (recent, standin_recent), (off, standin_off)):
        assert (await _sync_by_hand(engine, tenant, standin)).succeeded
    _schedule(engine, due.id, hours=24)
    _schedule(engine, recent.id, hours=24)
    _schedule(engine, off.id, enabled=False)
    with Session(engine) as session:  # switched on without a first apply: not possible by the
        session.add(OrgSyncSettings(tenant_id=never.id, enabled=True))  # service, ignored anyway
        session.commit()
    with Session(engine) as session:  # `due` last synced 25 hours before the job runs
        row = session.exec(select(OrgSyncSettings).where(OrgSyncSettings.tenant_id == due.id)).one()
        row.last_success_at = NOW - timedelta(hours=1)
        session.add(row)
        session.commit()
    for standin in (standin_due, standin_recent, standin_off, standin_never):
        standin.members["lina"]["name"] = "李娜娜"
    later = NOW + timedelta(hours=23)
    access_all = Router([standin_due, standin_recent, standin_off, standin_never])
    outcome = await flows.sync_due(access=access_all.access, clock=lambda: later, engine=engine)
    assert outcome == {"succeeded": 1}
    assert [r.trigger for r in _runs(engine, due.id)][-1] == "schedule"
    for tenant in (recent, off, never):
        assert "schedule" not in {r.trigger for r in _runs(engine, tenant.id)}
    with Session(engine) as session:
        names = set(session.exec(select(User.name).where(User.tenant_id == due.id)))
        assert "李娜娜" in names
        actors = set(
            session.exec(
                select(AuditLog.actor_name).where(
                    AuditLog.tenant_id == due.id, AuditLog.action == "app_user.update"
                )
            )
        )
        assert "org sync" in actors
    # a day after its first sync, `recent` comes due too
    outcome = await flows.sync_due(
        access=access_all.access, clock=lambda: NOW + timedelta(hours=24), engine=engine
    )
    assert outcome == {"succeeded": 1}
    assert _runs(engine, recent.id)[-1].trigger == "schedule"


async def test_only_the_wecom_app_of_a_tenant_not_suspended_is_read(engine: Engine) -> None:
    """The directory is read through the tenant's IM app of kind `wecom`: a company left with
    only a DingTalk app, or suspended, is neither synced on schedule nor previewed."""
    dingtalk_only, standin_dingtalk = _world(engine)
    suspended, standin_suspended = _world(engine)
    fine, standin_fine = _world(engine)
    worlds = (
        (dingtalk_only, standin_dingtalk),
        (suspended, standin_suspended),
        (fine, standin_fine),
    )
    for tenant, standin in worlds:
        assert (await _sync_by_hand(engine, tenant, standin)).succeeded
        _schedule(engine, tenant.id, hours=1)
    with Session(engine) as session:
        app = session.exec(select(ImApp).where(ImApp.tenant_id == dingtalk_only.id)).one()
        app.kind, app.agent_id = ImKind.dingtalk.value, ""
        session.get(Tenant, suspended.id).status = TenantStatus.suspended.value
        session.commit()
    router = Router([standin for _, standin in worlds])
    outcome = await flows.sync_due(
        access=router.access, clock=lambda: NOW + timedelta(hours=2), engine=engine
    )
    assert outcome == {"succeeded": 1}
    assert _runs(engine, fine.id)[-1].trigger == "schedule"
    for tenant, standin in worlds[:2]:
        assert _runs(engine, tenant.id)[-1].trigger == "manual"
        with pytest.raises(DomainError) as refused:  # refused before a run starts
            await flows.preview(
                scope=TenantScope.single(tenant.id), tenant_id=tenant.id, actor=ADMIN,
                access=access(standin), clock=lambda: NOW, engine=engine,
            )  # fmt: skip
        assert refused.value.key == "orgsync.not_configured"


async def test_one_tenants_wecom_error_holds_back_no_other(engine: Engine) -> None:
    broken, standin_broken = _world(engine)
    fine, standin_fine = _world(engine)
    for tenant, standin in ((broken, standin_broken), (fine, standin_fine)):
        assert (await _sync_by_hand(engine, tenant, standin)).succeeded
        _schedule(engine, tenant.id, hours=1)
    standin_broken.secret = "rotated-in-wecom"  # the stored Secret no longer works
    standin_broken.expire_tokens()
    standin_fine.members["lina"]["name"] = "李娜娜"
    router = Router([standin_broken, standin_fine])
    outcome = await flows.sync_due(
        access=router.access, clock=lambda: NOW + timedelta(hours=2), engine=engine
    )
    assert outcome == {"succeeded": 1, "failed": 1}
    failed = _runs(engine, broken.id)[-1]
    assert (failed.trigger, failed.status, failed.error_params) == (
        "schedule",
        "failed",
        {"reason": "wecom_gettoken_40001"},
    )
    assert _runs(engine, fine.id)[-1].status == "succeeded"


async def test_a_scheduled_run_that_would_disable_many_is_held(engine: Engine) -> None:
    tenant, standin = _world(engine)
    serve(standin, [dept(2, "销售部")], [member(f"u{i}", f"员工{i}", 2) for i in range(12)])
    assert (await _sync_by_hand(engine, tenant, standin)).succeeded
    _schedule(engine, tenant.id, hours=1)
    standin.members = {}  # the app's visible range emptied: not the whole staff leaving
    router = Router([standin])
    outcome = await flows.sync_due(
        access=router.access, clock=lambda: NOW + timedelta(hours=2), engine=engine
    )
    assert outcome == {"failed": 1}
    held = _runs(engine, tenant.id)[-1]
    assert (held.error_key, held.error_params) == ("orgsync.held", {"count": "12"})
    with Session(engine) as session:
        active = select(func.count()).select_from(User).where(User.tenant_id == tenant.id)
        assert session.exec(active.where(User.is_active)).one() == 12


def test_the_job_runs_hourly_in_process_and_on_the_worker() -> None:
    every = {fn.__name__: seconds for fn, seconds in jobs.IN_PROCESS_SCHEDULE}
    assert every["sync_org_directories"] == 3600.0
    crons = {c.coroutine.__name__: c for c in jobs.WorkerSettings.cron_jobs}
    assert crons["sync_org_directories"].minute == {47}


async def test_a_tenant_can_neither_sync_nor_see_another(engine: Engine) -> None:
    mine, standin_mine = _world(engine)
    theirs, standin_theirs = _world(engine)
    assert (await _sync_by_hand(engine, mine, standin_mine)).succeeded
    assert _count(engine, User, theirs.id) == 0  # the same directory, another company: untouched
    for flow, extra in ((flows.preview, {}), (flows.apply, {"preview_run_id": 1})):
        with pytest.raises(PermissionDeniedError):
            await flow(
                scope=TenantScope.single(mine.id), tenant_id=theirs.id, actor=ADMIN,
                access=access(standin_theirs), clock=lambda: NOW, engine=engine, **extra,
            )  # fmt: skip
    assert _runs(engine, theirs.id) == []
    with Session(engine) as session:
        overview = sync_overview(
            session=session, scope=TenantScope.single(mine.id), tenant_id=mine.id
        )
        assert {r.trigger for r in overview.runs} == {"preview", "manual"}
        with pytest.raises(PermissionDeniedError):
            sync_overview(session=session, scope=TenantScope.single(mine.id), tenant_id=theirs.id)
