"""The console's withdrawals list over 1,000,000 withdrawals on PostgreSQL.

One tenant with 50 cabinets, 40 departments and 2,000 people; a year of withdrawals generated
in SQL (spread over cabinets, people and hours). Each page is read through the list's own
service (`app/withdrawals/queries/listing.py`: the query the page runs, with its joins, filters and
keyset cursor) with filters by cabinet, department and local dates alone and combined, first
pages and pages deep into the results, newest and oldest first; each combination 15 times.

Metric: list_page_ms_1m — the median of the slowest combination (target < 50); the figures of
every combination are printed.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import Session

from app.core import migrations
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.withdrawals.queries import listing
from tests.conftest import _create_pg_database, _drop_pg_database

ROWS = 1_000_000
CABINETS = 50
DEPARTMENTS = 40
PEOPLE = 2_000
REPEATS = 15
TZ = "Asia/Shanghai"
LAST_DAY = date(2026, 11, 26)

WORLD_SQL = """
INSERT INTO tenant (code, name, timezone, status, created_at)
VALUES ('TN-LIST', '列表压测', 'Asia/Shanghai', 'active', now());
INSERT INTO cabinet (tenant_id, code, name, model, status, mqtt_username, secret_version,
                     is_online, door_state, last_seq, lease_days, created_at)
SELECT t.id, 'CAB-L-' || g, '柜' || g, 'SC-40S', 'active', 'cab-l-' || g, 1, true, 'closed',
       0, 3, now()
FROM tenant t, generate_series(1, :cabinets) g WHERE t.code = 'TN-LIST';
INSERT INTO department (tenant_id, name, path, sort_order, is_active, created_at)
SELECT t.id, '部门' || g, '/', g, true, now() FROM tenant t,
       generate_series(1, :departments + 1) g  -- the last one: nobody in it, nothing taken
WHERE t.code = 'TN-LIST';
INSERT INTO app_user (tenant_id, name, employee_no, department_id, is_active, created_at,
                      updated_at)
SELECT t.id, '员工' || g, 'L' || g,
       (SELECT min(id) FROM department d WHERE d.tenant_id = t.id) + g % :departments, true, now(),
       now()
FROM tenant t, generate_series(1, :people) g WHERE t.code = 'TN-LIST';
"""

ROWS_SQL = """
INSERT INTO withdrawal (tenant_id, cabinet_id, user_id, department_id, source, status,
                        total_qty, total_cost_cents, created_at)
SELECT t.id,
       c0.first + abs(hashint8(g::bigint))::bigint % :cabinets,
       u0.first + abs(hashint8(-g::bigint))::bigint % :people,
       d0.first + (abs(hashint8(-g::bigint))::bigint % :people) % :departments,
       'weight', 'committed', 1 + g % 4, 250 * (1 + g % 4),
       CAST(:last_day AS timestamptz) - make_interval(secs => (g * 31.5576)::int)
FROM tenant t,
     (SELECT min(id) AS first FROM cabinet WHERE code LIKE 'CAB-L-%') c0,
     (SELECT min(id) AS first FROM app_user WHERE employee_no LIKE 'L%') u0,
     (SELECT min(id) AS first FROM department WHERE name LIKE '部门%') d0,
     generate_series(1, :rows) g
WHERE t.code = 'TN-LIST';
"""


def _world(url: str) -> tuple[int, list[int], list[int]]:
    engine = make_engine(url)
    with engine.begin() as conn:
        params = {"cabinets": CABINETS, "departments": DEPARTMENTS, "people": PEOPLE}
        for statement in filter(str.strip, WORLD_SQL.split(";")):
            conn.execute(text(statement), params)
        conn.execute(
            text(ROWS_SQL),
            {**params, "rows": ROWS, "last_day": f"{LAST_DAY.isoformat()} 12:00:00+00"},
        )
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        tenant = conn.execute(text("SELECT id FROM tenant WHERE code = 'TN-LIST'")).scalar_one()
        cabinets = list(
            conn.execute(
                text("SELECT id FROM cabinet WHERE tenant_id = :t ORDER BY id"), {"t": tenant}
            ).scalars()
        )
        departments = list(
            conn.execute(
                text("SELECT id FROM department WHERE tenant_id = :t ORDER BY id"), {"t": tenant}
            ).scalars()
        )
    engine.dispose()
    return tenant, cabinets, departments


def _combinations(
    cabinets: list[int], departments: list[int]
) -> dict[str, listing.WithdrawalFilter]:
    week = (LAST_DAY - timedelta(days=6), LAST_DAY)
    month = (LAST_DAY - timedelta(days=30), LAST_DAY)
    cab, dept, empty = cabinets[17], departments[23], departments[-1]
    return {
        "none": listing.WithdrawalFilter(),
        "none oldest": listing.WithdrawalFilter(order="oldest"),
        "cabinet": listing.WithdrawalFilter(cabinet_id=cab),
        "department": listing.WithdrawalFilter(department_id=dept),
        "week": listing.WithdrawalFilter(since=week[0], until=week[1]),
        "cabinet+week": listing.WithdrawalFilter(cabinet_id=cab, since=week[0], until=week[1]),
        "department+month": listing.WithdrawalFilter(
            department_id=dept, since=month[0], until=month[1]
        ),
        "cabinet+department": listing.WithdrawalFilter(cabinet_id=cab, department_id=dept),
        "cabinet+empty department": listing.WithdrawalFilter(cabinet_id=cab, department_id=empty),
        "empty department+week": listing.WithdrawalFilter(
            department_id=empty, since=week[0], until=week[1]
        ),
        "cabinet+department+month": listing.WithdrawalFilter(
            cabinet_id=cab, department_id=dept, since=month[0], until=month[1]
        ),
        "cabinet+department+month oldest": listing.WithdrawalFilter(
            cabinet_id=cab, department_id=dept, since=month[0], until=month[1], order="oldest"
        ),
    }


def _page_ms(session: Session, scope: TenantScope, where, deep: bool) -> tuple[float, int]:
    after = None
    if deep:  # 25 pages in: a cursor far from the start
        for _ in range(25):
            page = listing.list_withdrawals(
                session=session, scope=scope, where=where, timezone=TZ, after=after
            )
            after = page.next_cursor or after
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        page = listing.list_withdrawals(
            session=session, scope=scope, where=where, timezone=TZ, after=after
        )
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), len(page.rows)


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        started = time.monotonic()
        tenant, cabinets, departments = _world(url)
        print(f"  {ROWS:,} withdrawals generated in {time.monotonic() - started:.0f}s")
        engine = make_engine(url)
        scope = TenantScope.single(tenant)
        slowest = 0.0
        with Session(engine) as session:
            for label, where in _combinations(cabinets, departments).items():
                for deep in (False, True):
                    ms, rows = _page_ms(session, scope, where, deep)
                    depth = "deep " if deep else "first"
                    print(f"  {label:<34} {depth} {ms:6.1f} ms  ({rows} rows)")
                    slowest = max(slowest, ms)
        engine.dispose()
        return {"list_page_ms_1m": round(slowest, 1)}
    finally:
        _drop_pg_database(name)
