"""The monthly consumption report over 10,000,000 withdrawal lines on PostgreSQL.

A year of withdrawals of one tenant (tests/bench/report_world.py: 5,000 people, 50 departments,
300 items, ~4 M withdrawals, 10 M lines) generated in SQL; the report is read through the same
service call the report page makes (`app/reports/services/reports.py`: totals, by department,
person, item, type, tag, cabinet and day) for the last full month, REPEATS times.

Metric: report_month_10m_s — the slowest of the runs (target < 2); each run, the month's line
count and the generation time are printed. BENCH_REPORT_LINES changes the size.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import text
from sqlmodel import Session

from app.core import migrations
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.services.periods import period_of
from app.reports.services.reports import CONSUMPTION_SECTIONS as SECTIONS
from app.reports.services.reports import consumption_report
from tests.bench.report_world import LAST_DAY, build
from tests.conftest import _create_pg_database, _drop_pg_database

LINES = int(os.environ.get("BENCH_REPORT_LINES", "10000000"))
REPEATS = 5


def _print_parts(session: Session, scope: TenantScope, month) -> None:
    """Each query of the report alone: where its time goes."""
    win = c.window(session=session, scope=scope, period=month)
    parts = {by: lambda by=by: c.breakdown(session=session, win=win, by=by) for by in SECTIONS}
    parts["day"] = lambda: c.by_day(session=session, win=win)
    timed = []
    for name, read in parts.items():
        began = time.perf_counter()
        read()
        timed.append(f"{name} {1000 * (time.perf_counter() - began):.0f} ms")
    print("  parts: " + ", ".join(timed))


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        started = time.monotonic()
        tenant = build(url, LINES)
        engine = make_engine(url)
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM withdrawal_line")).scalar_one()
        print(f"  {count:,} withdrawal lines generated in {time.monotonic() - started:.0f}s")
        month = period_of("month", LAST_DAY.replace(day=1)).previous()
        scope = TenantScope.single(tenant)
        runs = []
        with Session(engine) as session:
            for _ in range(REPEATS):
                began = time.perf_counter()
                report = consumption_report(session=session, scope=scope, period=month)
                runs.append(time.perf_counter() - began)
            _print_parts(session, scope, month)
        engine.dispose()
        print(
            f"  {month.label()}: {report.totals.withdrawals:,} withdrawals, "
            f"{report.totals.quantity:,} units; runs " + ", ".join(f"{s:.2f}s" for s in runs)
        )
        return {"report_month_10m_s": round(max(runs), 2)}
    finally:
        _drop_pg_database(name)
