"""Exports as jobs: the page asks for a file, a job makes it step by step
(app/reports/services/exports.py `export_steps`), saving its progress as it goes, and leaves it
under DATA_DIR/exports for the person who asked — the page shows a progress bar, then a download.
The run row (ReportRun, without a subscription) records who asked, what, and how it ended.

With an arq worker on another machine, DATA_DIR must be storage both can reach."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit.services.records import Actor, record_created
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.reports.models import ReportRun, RunStatus
from app.reports.queries import consumption as c
from app.reports.services.exports import FORMATS, export_steps, file_name, render
from app.reports.services.periods import Period

logger = logging.getLogger(__name__)
MAKING = 90  # the steps' share of the progress bar; the rest is writing the file
KEEP_FOR = timedelta(days=7)  # then the file goes (the run row stays, as a record)


def exports_dir() -> Path:
    directory = get_settings().data_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def start_export(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    account_id: int,
    period: Period,
    filters: c.Filters,
    fmt: str,
    locale: str,
    actor: Actor,
) -> ReportRun:
    """A pending export run; the caller enqueues `export_report` with its id."""
    if fmt not in FORMATS:
        raise ValidationError(field="format")
    if not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    start, end = period.bounds("UTC")  # informative; the job recomputes in each tenant's zone
    run = ReportRun(
        tenant_id=tenant_id,
        report_type="export",
        period_start=start,
        period_end=end,
        filters={
            "kind": period.kind, "first": period.first.isoformat(),
            "last": period.last.isoformat(), "fmt": fmt, "locale": locale,
            "account_id": account_id, "cabinet_id": filters.cabinet_id,
            "department_id": filters.department_id,
            "scope": None if scope.tenant_ids is None else sorted(scope.tenant_ids),
        },
    )  # fmt: skip
    session.add(run)
    session.flush()
    record_created(session, run, actor=actor)
    return run


def _progress(run_id: int, engine: Engine | None, **changes: Any) -> None:
    with session_scope(engine) as session:
        run = session.get(ReportRun, run_id)
        for name, value in changes.items():
            setattr(run, name, value)


def build_export(run_id: int, engine: Engine | None = None) -> str:
    """Make the file of a pending run (in a worker thread); the run's final status."""
    with session_scope(engine) as session:
        run = session.get(ReportRun, run_id)
        if run is None or run.status != RunStatus.pending.value:
            return "skipped"
        run.status = RunStatus.running.value
        spec = dict(run.filters or {})
    try:
        scope = TenantScope(None if spec["scope"] is None else frozenset(spec["scope"]))
        period = Period(spec["kind"], date.fromisoformat(spec["first"]),
                        date.fromisoformat(spec["last"]))  # fmt: skip
        filters = c.Filters(cabinet_id=spec["cabinet_id"], department_id=spec["department_id"])
        tables = []
        with session_scope(engine) as session:
            steps = export_steps(session, scope, period, filters, spec["locale"])
            for done, step in enumerate(steps, start=1):
                tables += step()
                _progress(run_id, engine, progress=MAKING * done // len(steps))
        data = render(tables, spec["fmt"], period, spec["locale"])
        path = exports_dir() / f"{run_id}-{file_name(period, spec['fmt'])}"
        path.write_bytes(data)
    except Exception as failed:
        logger.exception("export %s failed", run_id)
        _progress(run_id, engine, status=RunStatus.failed.value, error=str(failed)[:500],
                  finished_at=datetime.now(UTC))  # fmt: skip
        return RunStatus.failed.value
    _progress(run_id, engine, status=RunStatus.done.value, progress=100, file_path=path.name,
              finished_at=datetime.now(UTC))  # fmt: skip
    return RunStatus.done.value


def export_state(
    *, session: Session, scope: TenantScope, account_id: int, run_id: int
) -> ReportRun:
    """One's own export run (another person's looks absent)."""
    run = get_scoped_or_raise(session, ReportRun, run_id, scope)
    if run.report_type != "export" or (run.filters or {}).get("account_id") != account_id:
        raise NotFoundError(entity="ReportRun", id=run_id)
    return run


def export_file(
    *, session: Session, scope: TenantScope, account_id: int, run_id: int
) -> tuple[str, bytes]:
    """(download name, bytes) of one's finished export."""
    run = export_state(session=session, scope=scope, account_id=account_id, run_id=run_id)
    if run.status != RunStatus.done.value or not run.file_path:
        raise ValidationError("report.export_not_ready", field="export")
    path = exports_dir() / Path(run.file_path).name
    return path.name.split("-", 1)[1], path.read_bytes()


def prune_exports(now: datetime | None = None) -> int:
    """Delete export files older than KEEP_FOR; how many went."""
    cutoff = ((now or datetime.now(UTC)) - KEEP_FOR).timestamp()
    gone = 0
    for path in exports_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            gone += 1
    return gone
