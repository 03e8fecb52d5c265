"""Exports as jobs: a run made pending, the job making the file step by step (its progress saved
as it goes, so the page can show a bar), the same bytes as a direct export, the file only for
the person who asked; a failing step ends the run as failed, with the reason."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit.services.records import Actor
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.reports.models import ReportRun
from app.reports.queries import consumption as c
from app.reports.services import export_jobs
from app.reports.services.exports import consumption_file
from app.reports.services.periods import period_of
from tests.factories import make_account
from tests.reports.world import build

NOVEMBER = period_of("month", date(2026, 11, 1))
ME = Actor(account_id=None, name="导出人")


def _start(engine: Engine, fmt: str = "csv") -> tuple[int, int, int]:
    with Session(engine) as session:
        world = build(session, count=20)
        account = make_account(session, "exporter", display_name="导出人", kind="tenant")
        run = export_jobs.start_export(
            session=session, scope=TenantScope.single(world.tenant_id), tenant_id=world.tenant_id,
            account_id=account.id, period=NOVEMBER, filters=c.Filters(), fmt=fmt,
            locale="zh-CN", actor=ME,
        )  # fmt: skip
        session.commit()
        return world.tenant_id, account.id, run.id


def test_the_job_makes_the_file_step_by_step(engine: Engine, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(export_jobs, "exports_dir", lambda: tmp_path)
    tenant_id, account_id, run_id = _start(engine)
    seen: list[int] = []
    real = export_jobs._progress

    def recording(run: int, bound, **changes) -> None:
        if "progress" in changes:
            seen.append(changes["progress"])
        real(run, bound, **changes)

    monkeypatch.setattr(export_jobs, "_progress", recording)
    assert export_jobs.build_export(run_id, engine) == "done"
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 6
    assert export_jobs.build_export(run_id, engine) == "skipped"  # made once
    scope = TenantScope.single(tenant_id)
    with Session(engine) as session:
        name, data = export_jobs.export_file(
            session=session, scope=scope, account_id=account_id, run_id=run_id
        )
        direct = consumption_file(
            session=session, scope=scope, period=NOVEMBER, filters=c.Filters(), fmt="csv",
            locale="zh-CN",
        )  # fmt: skip
        assert (name, data) == ("consumption-2026-11.csv", direct)
        with pytest.raises(NotFoundError):
            export_jobs.export_file(session=session, scope=scope, account_id=account_id + 1,
                                    run_id=run_id)  # fmt: skip


def test_a_failing_step_fails_the_run(engine: Engine, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(export_jobs, "exports_dir", lambda: tmp_path)
    tenant_id, account_id, run_id = _start(engine, "xlsx")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "render", broken)
    assert export_jobs.build_export(run_id, engine) == "failed"
    with Session(engine) as session:
        run = session.get(ReportRun, run_id)
        assert (run.status, run.error) == ("failed", "disk full")
        with pytest.raises(ValidationError):
            export_jobs.export_file(session=session, scope=TenantScope.single(tenant_id),
                                    account_id=account_id, run_id=run_id)  # fmt: skip


def test_old_files_go_after_a_week(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(export_jobs, "exports_dir", lambda: tmp_path)
    old, fresh = tmp_path / "1-consumption-2026-10.csv", tmp_path / "2-consumption-2026-11.csv"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    eight_days = datetime.now(UTC).timestamp() - 8 * 86400
    os.utime(old, (eight_days, eight_days))
    assert export_jobs.prune_exports() == 1
    assert [p.name for p in tmp_path.iterdir()] == [fresh.name]
