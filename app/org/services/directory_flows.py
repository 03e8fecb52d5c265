"""Org sync runs end to end: read the tenant's WeCom directory (async httpx, never blocking the
event loop), then plan or apply it in one unit of work in a worker thread (`run_in_session`,
app/org/services/directory_sync.py). Used by the console's dry run and apply
(app/org/state/org_sync.py) and by the hourly job (app/jobs.py).

Whatever goes wrong once the run has started (WeCom refusing or unreachable, a plan that may
not be applied, a bug) is recorded on a failed run in a unit of work of its own, so the failed
apply has changed nothing and the run still shows; it never escapes `sync_due`, and one
tenant's failure holds back no other.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from sqlalchemy.engine import Engine

from app.audit.services.records import Actor
from app.core.db import run_in_session
from app.core.errors import DomainError
from app.core.model_base import pk, utcnow
from app.core.tenancy import TenantScope
from app.org.models import SyncTrigger
from app.org.services.directory_plan import SyncPlan
from app.org.services.directory_sync import (
    SCHEDULER,
    apply_directory,
    due_tenants,
    record_failure,
    record_preview,
    source_config,
)
from app.org.services.wecom_directory import fetch_directory
from app.sso.services.wecom import WecomEndpoints

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class WecomAccess:
    """Where WeCom is (tests: a local stand-in behind `transport`)."""

    endpoints: WecomEndpoints = field(default_factory=WecomEndpoints)
    transport: httpx.AsyncBaseTransport | None = None


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    succeeded: bool
    plan: SyncPlan | None = None
    error_key: str = ""
    error_params: dict[str, str] = field(default_factory=dict)


async def _run(
    *,
    scope: TenantScope,
    tenant_id: int,
    actor: Actor,
    trigger: SyncTrigger,
    access: WecomAccess,
    clock: Clock,
    engine: Engine | None,
    preview_run_id: int | None = None,
) -> RunOutcome:
    # not configured, or another tenant's: refused before a run starts (nothing to record)
    config = await run_in_session(source_config, engine, scope=scope, tenant_id=tenant_id)
    started = clock()
    common = {"scope": scope, "tenant_id": tenant_id, "actor": actor, "started_at": started}
    try:
        directory = await fetch_directory(
            config=config, endpoints=access.endpoints, transport=access.transport
        )
        if trigger == SyncTrigger.preview:
            run, plan = await run_in_session(
                record_preview, engine, directory=directory, now=clock(), **common
            )
        else:
            run, plan = await run_in_session(
                apply_directory, engine, directory=directory, now=clock(), trigger=trigger,
                preview_run_id=preview_run_id, **common,
            )  # fmt: skip
        return RunOutcome(pk(run), True, plan)
    except DomainError as refused:
        key, params = refused.key, {k: str(v) for k, v in refused.params.items()}
        logger.warning("org sync of tenant %s refused: %s %s", tenant_id, key, params)
    except Exception as error:  # a bug or the database: recorded, never raised past the run
        logger.exception("org sync of tenant %s failed", tenant_id)
        key, params = "orgsync.failed", {"error": type(error).__name__}
    run = await run_in_session(
        record_failure, engine, trigger=trigger, now=clock(), error_key=key, error_params=params,
        **common,
    )  # fmt: skip
    return RunOutcome(pk(run), False, None, key, params)


async def preview(
    *,
    scope: TenantScope,
    tenant_id: int,
    actor: Actor,
    access: WecomAccess | None = None,
    clock: Clock = utcnow,
    engine: Engine | None = None,
) -> RunOutcome:
    """A dry run: the plan, nothing changed."""
    return await _run(
        scope=scope, tenant_id=tenant_id, actor=actor, trigger=SyncTrigger.preview,
        access=access or WecomAccess(), clock=clock, engine=engine,
    )  # fmt: skip


async def apply(
    *,
    scope: TenantScope,
    tenant_id: int,
    actor: Actor,
    preview_run_id: int,
    access: WecomAccess | None = None,
    clock: Clock = utcnow,
    engine: Engine | None = None,
) -> RunOutcome:
    """An admin's apply of the plan they reviewed in the dry run `preview_run_id`."""
    return await _run(
        scope=scope, tenant_id=tenant_id, actor=actor, trigger=SyncTrigger.manual,
        access=access or WecomAccess(), clock=clock, engine=engine,
        preview_run_id=preview_run_id,
    )  # fmt: skip


async def sync_due(
    *, access: WecomAccess | None = None, clock: Clock = utcnow, engine: Engine | None = None
) -> dict[str, int]:
    """Every tenant whose scheduled sync is due, one after another; outcomes counted."""
    outcomes: Counter[str] = Counter()
    for tenant_id in await run_in_session(due_tenants, engine, now=clock()):
        try:
            outcome = await _run(
                scope=TenantScope.single(tenant_id), tenant_id=tenant_id, actor=SCHEDULER,
                trigger=SyncTrigger.schedule, access=access or WecomAccess(), clock=clock,
                engine=engine,
            )  # fmt: skip
            outcomes["succeeded" if outcome.succeeded else "failed"] += 1
        except Exception:  # its app gone since, the database: the next tenant still syncs
            logger.exception("org sync of tenant %s could not start", tenant_id)
            outcomes["not_started"] += 1
    return dict(outcomes)
