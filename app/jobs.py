"""The job catalogue and the arq worker (`make worker` / `python -m app.jobs`).

Every job function is registered with `@job` (app/core/jobs.py) and runs unchanged in-process
or on an arq worker; jobs are thin: they open a unit of work and call services.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Retry
from redis.exceptions import RedisError

import app.metrics  # noqa: F401 - installs the jobs' timer (app/metrics/__init__.py)
from app.core import logs
from app.core.bus import get_bus, reset_bus
from app.core.config import get_settings
from app.core.db import run_in_session, transient
from app.core.health import health_port, serve_health
from app.core.jobs import (
    DEFAULT_MAX_TRIES,
    JOBS,
    JobDispatcher,
    get_dispatcher,
    job,
    reset_dispatcher,
)
from app.core.tenancy import TenantScope
from app.inventory.services.inventory import reconcile_and_alert

logger = logging.getLogger(__name__)
MAX_REDIS_BACKOFF_S = 30.0


@job
async def handle_device_message(ctx: dict[str, Any], message_row_id: int) -> bool:
    """Apply a cabinet message the gateway stored (idempotent: a second run changes nothing)."""
    from app.cabinets.services.cabinets import apply_device_messages

    applied = await run_in_session(apply_device_messages, message_row_ids=[message_row_id])
    await start_seeing()
    return applied == 1


@job
async def handle_device_messages(ctx: dict[str, Any], message_row_ids: list[int]) -> int:
    """Apply the messages one gateway batch stored, in order, in one unit of work; if that
    fails, each in its own so that one bad message holds back none of the others. A message
    refused for what it is (not for the database being away) is marked `failed` with the
    reason, so no retry or sweep tries it again; a passing failure fails the job, which arq
    tries again. Idempotent, like `handle_device_message`."""
    from app.cabinets.services.cabinets import apply_device_messages
    from app.cabinets.services.unapplied import mark_failed

    try:
        applied = await run_in_session(apply_device_messages, message_row_ids=message_row_ids)
        await start_seeing()
        return applied
    except Exception:
        logger.exception("could not apply messages %s together; one by one", message_row_ids)
    applied, failed = 0, []
    for row_id in message_row_ids:
        try:
            applied += await run_in_session(apply_device_messages, message_row_ids=[row_id])
        except Exception as refused:
            logger.exception("could not apply message %s", row_id)
            if transient(refused):
                failed.append(row_id)
            else:
                await run_in_session(mark_failed, message_row_id=row_id, error=repr(refused))
    await start_seeing()
    if failed:
        raise RuntimeError(f"device messages {failed} could not be applied")
    return applied


async def start_seeing(everyone: bool = False) -> int:
    """A `see_door` job for each door session this process just set waiting for the camera
    (`everyone`: every session waiting, found in the database — the sweep's catch-all)."""
    from app.withdrawals.services.camera import just_waiting
    from app.withdrawals.services.sight import waiting_doors

    door_ids = set(just_waiting)
    just_waiting.difference_update(door_ids)
    if everyone:
        door_ids |= set(await run_in_session(waiting_doors))
    started = 0
    for door_id in sorted(door_ids):
        started += await get_dispatcher().enqueue("see_door", door_id, job_id=f"see-{door_id}")
    return started


@job
async def see_door(ctx: dict[str, Any], door_id: int) -> str:
    """Run the shelf detector over a door session's snapshots, then decide the session with
    the camera as third voter (app/withdrawals/services/sight.py); waits for snapshots still on
    their way, gives up on them after camera.VISION_WAIT (the sweep) and on a detector too slow."""
    from app.withdrawals.services.sight import apply_sight, detect_all, end_sight, pictures_of

    shots = await run_in_session(pictures_of, door_id=door_id)
    if shots == "wait":
        raise Retry(defer=1.0)
    if shots == "done":
        return "done"
    if shots == "overdue":
        return await run_in_session(end_sight, door_id=door_id, why="snapshots_missing")
    if isinstance(shots, str):  # never: pictures_of answers with the three above
        raise ValueError(f"door session {door_id}: pictures_of said {shots!r}")
    try:
        seen, ms = await asyncio.to_thread(detect_all, shots)
    except Exception as error:  # a broken image, a model that will not load: weight decides
        logger.exception("door session %s: the detector failed", door_id)
        why = "detector_slow" if isinstance(error, TimeoutError) else "detector_failed"
        return await run_in_session(end_sight, door_id=door_id, why=why)
    return await run_in_session(apply_sight, door_id=door_id, shots=shots, seen=seen, ms=ms)


@job
async def sweep_cabinet_presence(ctx: dict[str, Any]) -> list[str]:
    """Mark cabinets that missed 3 heartbeats offline (one alert each); every 30 s."""
    from app.cabinets.services.presence import sweep_presence

    changes = await run_in_session(sweep_presence)
    return changes.went_offline


@job
async def sweep_door_sessions(ctx: dict[str, Any]) -> dict[str, int]:
    """End stuck door sessions (app/withdrawals/services/closing.py): re-reads that never came,
    unlocks the cabinet never carried out; every 15 s."""
    from app.withdrawals.services.closing import sweep
    from app.withdrawals.services.sight import end_overdue

    ended = await run_in_session(sweep)
    ended["camera"] = await run_in_session(end_overdue)
    await start_seeing(everyone=True)  # a start lost with a crashed batch
    return ended


@job
async def sweep_snapshots(ctx: dict[str, Any]) -> int:
    """Delete the cabinet snapshots older than their tenant keeps them (files and rows); hourly."""
    from app.cabinets.services.snapshots import sweep_snapshots as sweep

    return await run_in_session(sweep, now=datetime.now(UTC))


@job
async def sweep_unapplied_messages(ctx: dict[str, Any]) -> int:
    """Every 15 s: hand over again the stored messages no job applied (their job was lost with
    a killed worker, or never queued while Redis was away): app/cabinets/services/unapplied.py."""
    from app.cabinets.services.unapplied import stranded_messages

    now = datetime.now(UTC)
    batches = await run_in_session(stranded_messages, now=now)
    dispatcher = get_dispatcher()
    for ids in batches:
        logger.warning("%s stored messages were never applied: handing them over again", len(ids))
        job_id = f"dms-sweep-{ids[0]}-{ids[-1]}-{int(now.timestamp())}"
        await dispatcher.enqueue("handle_device_messages", ids, job_id=job_id)
    return sum(len(ids) for ids in batches)


@job
async def sweep_api_replies(ctx: dict[str, Any]) -> int:
    """Forget the API's stored idempotent replies past their day (app/apikeys/service.py)."""
    from app.apikeys.service import forget_replies

    return await run_in_session(forget_replies, now=datetime.now(UTC))


@job
async def sync_org_directories(ctx: dict[str, Any]) -> dict[str, int]:
    """Hourly: the org sync from WeCom of each tenant whose schedule is on and due
    (app/org/services/directory_flows.py); each tenant's failure is recorded on its run, never
    raised."""
    from app.org.services.directory_flows import sync_due

    return await sync_due()


@job
async def reconcile_stock(ctx: dict[str, Any], tenant_id: int | None = None) -> int:
    """Prove sum(movements) == stock; alert and log each mismatch. Returns how many."""
    scope = TenantScope.platform() if tenant_id is None else TenantScope.single(tenant_id)
    mismatches = await run_in_session(reconcile_and_alert, scope=scope)
    for m in mismatches:
        logger.error(
            "ledger mismatch tenant=%s slot=%s item=%s ledger=%s stock=%s",
            m.tenant_id,
            m.slot_id,
            m.item_id,
            m.ledger_quantity,
            m.stock_quantity,
        )
    return len(mismatches)


@job
async def report_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Every minute: the report runs that came due (each made once), then every delivery due,
    each in its own unit of work (one robot that is down holds back no other)."""
    from app.reports.services.export_jobs import prune_exports
    from app.reports.services.subscriptions import deliver, due_deliveries, generate_due

    made = await run_in_session(generate_due)
    outcomes: dict[str, int] = {"runs": len(made)}
    outcomes["exports_pruned"] = await asyncio.to_thread(prune_exports)
    return await _deliver_each(deliver, await run_in_session(due_deliveries), outcomes)


async def _deliver_each(
    deliver: Callable[..., str], delivery_ids: list[int], outcomes: dict[str, int]
) -> dict[str, int]:
    """Each delivery in its own unit of work (one robot that is down holds back no other),
    counted by outcome."""
    for delivery_id in delivery_ids:
        try:
            status = await run_in_session(deliver, delivery_id=delivery_id)
        except Exception:  # a bug, not the channel (those are DeliveryError): log, go on
            logger.exception("delivery %s (%s) failed", delivery_id, deliver.__module__)
            status = "error"
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


@job
async def alert_routing_tick(ctx: dict[str, Any]) -> dict[str, int]:
    """Every 30 s: the messages the alert routes owe (app/notify/services/routing.py), then every
    one due, each in its own unit of work (one robot that is down holds back no other)."""
    from app.notify.services.routing import deliver, due_deliveries, plan_deliveries

    outcomes: dict[str, int] = {"planned": await run_in_session(plan_deliveries)}
    return await _deliver_each(deliver, await run_in_session(due_deliveries), outcomes)


@job
async def deliver_webhooks(ctx: dict[str, Any]) -> dict[str, int]:
    """Every 5 s: the webhook deliveries due, batch after batch (claimed, POSTed through one
    shared pool, recorded), for up to 50 s (app/webhooks/services/delivery.py). One run at a time
    per process: a tick that finds one still going leaves the work to it."""
    from app.webhooks.services.delivery import deliver_due

    if _webhooks_running.locked():
        return {"skipped": 1}
    async with _webhooks_running:
        return await deliver_due(budget_s=50.0)


_webhooks_running = asyncio.Lock()


@job
async def backup_database(ctx: dict[str, Any]) -> str:
    """Every 10 minutes: a backup once the newest is BACKUP_EVERY_HOURS old (none yet: now),
    then retention (app/backup/services/backup.py). A backup already being made is left to
    finish."""
    from app.backup.services.backup import BackupBusy, BackupConfig, scheduled_backup

    settings = get_settings()
    try:
        made = await asyncio.to_thread(
            scheduled_backup,
            database_url=settings.database_url,
            config=BackupConfig.from_settings(settings),
            now=datetime.now(UTC),
        )
    except BackupBusy:
        return "busy"
    if made is None:
        return "not due"
    logger.info("backup %s made (%s bytes)", made.path, made.manifest.size)
    return made.path.name


@job
async def export_report(ctx: dict[str, Any], run_id: int) -> str:
    """Make the file of an export someone asked for on the reports page, with its progress."""
    from app.reports.services.export_jobs import build_export

    return await asyncio.to_thread(build_export, run_id)


# Clock-driven jobs inside the app when no arq worker runs (no REDIS_URL), as the worker's cron
# runs them. Presence too: `make run`'s simulated cabinets stay online by their heartbeats (every
# 30 s; offline after 90 s of silence), and a demo cabinet nothing connects to was never
# connected, which the sweep leaves alone.
IN_PROCESS_SCHEDULE: tuple[tuple[Any, float], ...] = (
    (sweep_cabinet_presence, 30.0),
    (report_tick, 60.0),
    (alert_routing_tick, 30.0),
    (deliver_webhooks, 5.0),
    (sweep_door_sessions, 15.0),
    (sweep_unapplied_messages, 15.0),
    (sweep_snapshots, 3600.0),
    (sweep_api_replies, 3600.0),
    (backup_database, 600.0),
    (sync_org_directories, 3600.0),
)


async def run_schedule(*, dispatcher: JobDispatcher | None = None) -> None:
    """The clock-driven jobs in-process (no REDIS_URL: no arq worker runs them): each at once,
    then every so often."""
    dispatcher = dispatcher or get_dispatcher()
    last = dict.fromkeys((fn.__name__ for fn, _ in IN_PROCESS_SCHEDULE), float("-inf"))
    loop = asyncio.get_running_loop()
    while True:
        for fn, every in IN_PROCESS_SCHEDULE:
            if loop.time() - last[fn.__name__] >= every:
                last[fn.__name__] = loop.time()
                await dispatcher.enqueue(fn.__name__)
        await asyncio.sleep(5)


# The worker's health endpoint: closed by whichever ends the worker — its shutdown, or main()
# when arq's worker ended with Redis gone (its shutdown then never ran) and a new one starts.
_HEALTH: list[asyncio.Server] = []


def _close_health() -> None:
    while _HEALTH:
        _HEALTH.pop().close()


async def _startup(ctx: dict[str, Any]) -> None:
    ctx["bus"] = get_bus()
    ctx["dispatcher"] = get_dispatcher()
    _close_health()
    if (port := health_port()) is not None:  # HEALTH_PORT: app/core/health.py

        async def redis_answers() -> dict[str, object]:
            return {"ok": bool(await ctx["redis"].ping()), "redis": True}

        _HEALTH.append(await serve_health("worker", redis_answers, port))


async def _shutdown(ctx: dict[str, Any]) -> None:
    _close_health()
    await reset_dispatcher()
    await reset_bus()


def _redis_settings() -> RedisSettings:
    url = get_settings().redis_url
    return RedisSettings.from_dsn(url) if url else RedisSettings()


class WorkerSettings:
    """arq worker configuration: every registered job, the bus and dispatcher in ctx."""

    functions = list(JOBS.values())
    cron_jobs = [
        cron(sweep_cabinet_presence, second={0, 30}, unique=True),
        cron(report_tick, second={15}, unique=True),  # every minute
        cron(alert_routing_tick, second={10, 40}, unique=True),
        cron(deliver_webhooks, second=set(range(0, 60, 5)), unique=True),
        cron(sweep_door_sessions, second={5, 20, 35, 50}, unique=True),
        cron(sweep_unapplied_messages, second={12, 27, 42, 57}, unique=True),
        cron(sweep_snapshots, minute={41}, second={10}, unique=True),  # hourly, off the hour
        cron(sweep_api_replies, minute={23}, second={40}, unique=True),  # hourly
        cron(sync_org_directories, minute={47}, second={20}, unique=True),  # hourly
        cron(reconcile_stock, hour={3}, minute={17}, unique=True),  # nightly, off the hour
        # every 10 min it asks whether a backup is due; a big database's dump takes a while
        cron(
            backup_database,
            minute=set(range(4, 60, 10)),
            second={50},
            unique=True,
            timeout=6 * 3600,
            max_tries=1,
        ),
    ]
    on_startup = _startup
    on_shutdown = _shutdown
    redis_settings = _redis_settings()
    max_tries = DEFAULT_MAX_TRIES
    job_timeout = 300
    keep_result = 3600
    # arq looks for new jobs every poll_delay (0.5 s by default): a door closed waits for it
    poll_delay = 0.05


def main() -> int:
    settings = get_settings()
    logs.install(settings.log_format)
    if not settings.redis_url:
        print("REDIS_URL is not set: jobs run in-process inside the app; no worker is needed.")
        return 2
    from arq import run_worker

    from app.metrics.exposition import serve_if_asked

    serve_if_asked("worker")  # METRICS_PORT
    delay = 1.0
    while True:
        try:
            run_worker(WorkerSettings)  # type: ignore[arg-type]
            return 0  # stopped by SIGTERM/SIGINT
        except (RedisError, OSError) as lost:
            # arq's worker ends when Redis goes away (a restart, a failover); the queue comes
            # back with Redis, and what was lost with it the unapplied-messages sweep redoes
            logger.error("lost Redis (%s): the worker starts again in %.0f s", lost, delay)
        _forget_connections()
        time.sleep(delay)
        delay = min(delay * 2, MAX_REDIS_BACKOFF_S)


def _forget_connections() -> None:
    """The dispatcher's and the bus's pools of the worker that ended, closed as well as a dead
    server lets them be; the next worker opens its own."""
    loop = asyncio.get_event_loop()
    with suppress(Exception):
        loop.run_until_complete(_shutdown({}))


if __name__ == "__main__":
    sys.exit(main())
