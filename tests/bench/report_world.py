"""A year of withdrawals for the report benchmark, generated in SQL on PostgreSQL: one tenant
with CABINETS cabinets, DEPARTMENTS departments, PEOPLE people, ITEMS items of 12 types with
tags, and LINES withdrawal lines (1–4 per withdrawal, spread over hours, people, items)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from app.core.db import make_engine

CABINETS = 50
DEPARTMENTS = 50
PEOPLE = 5_000
ITEMS = 300
TYPES = 12
TAGS = 8
LAST_DAY = date(2026, 11, 26)
LINES_PER_WITHDRAWAL = 2.5  # 1, 2, 3, 4 in turn

WORLD_SQL = """
INSERT INTO tenant (code, name, timezone, status, created_at)
VALUES ('TN-REPORT', '报表压测', 'Asia/Shanghai', 'active', now());
INSERT INTO cabinet (tenant_id, code, name, model, status, mqtt_username, secret_version,
                     is_online, door_state, last_seq, lease_days, created_at)
SELECT t.id, 'CAB-R-' || g, '柜' || g, 'SC-40S', 'active', 'cab-r-' || g, 1, true, 'closed',
       0, 3, now()
FROM tenant t, generate_series(1, :cabinets) g WHERE t.code = 'TN-REPORT';
INSERT INTO department (tenant_id, name, path, sort_order, is_active, created_at)
SELECT t.id, '部门' || g, '/', g, true, now() FROM tenant t, generate_series(1, :departments) g
WHERE t.code = 'TN-REPORT';
INSERT INTO app_user (tenant_id, name, employee_no, department_id, is_active, created_at,
                      updated_at)
SELECT t.id, '员工' || g, 'R' || g,
       (SELECT min(id) FROM department d WHERE d.tenant_id = t.id) + g % :departments, true, now(),
       now()
FROM tenant t, generate_series(1, :people) g WHERE t.code = 'TN-REPORT';
INSERT INTO item_type (tenant_id, name) SELECT t.id, '类型' || g
FROM tenant t, generate_series(1, :types) g WHERE t.code = 'TN-REPORT';
INSERT INTO tag (tenant_id, name) SELECT t.id, '标签' || g
FROM tenant t, generate_series(1, :tags) g WHERE t.code = 'TN-REPORT';
INSERT INTO item (tenant_id, sku, name, type_id, unit, unit_weight_g, weight_tolerance_g,
                  unit_cost_cents, rfid_tagged, requires_approval, is_active, created_at)
SELECT t.id, 'R-' || g, '物品' || g,
       (SELECT min(id) FROM item_type y WHERE y.tenant_id = t.id) + g % :types, '个', 10 + g % 50,
       1, 50 + (g * 37) % 5000, false, false, true, now()
FROM tenant t, generate_series(1, :items) g WHERE t.code = 'TN-REPORT';
INSERT INTO item_tag (tenant_id, item_id, tag_id)
SELECT i.tenant_id, i.id, (SELECT min(id) FROM tag WHERE tenant_id = i.tenant_id) + i.id % :tags
FROM item i JOIN tenant t ON t.id = i.tenant_id WHERE t.code = 'TN-REPORT';
INSERT INTO item_tag (tenant_id, item_id, tag_id)  -- every third item has a second tag
SELECT i.tenant_id, i.id,
       (SELECT min(id) FROM tag WHERE tenant_id = i.tenant_id) + (i.id + 3) % :tags
FROM item i JOIN tenant t ON t.id = i.tenant_id WHERE t.code = 'TN-REPORT' AND i.id % 3 = 0;
"""

# Withdrawal g has 1 + g % 4 lines; its person, cabinet and time come from hashes of g.
WITHDRAWALS_SQL = """
INSERT INTO withdrawal (id, tenant_id, cabinet_id, user_id, department_id, source, status,
                        total_qty, total_cost_cents, created_at)
SELECT g, t.id,
       c0.first + abs(hashint8(g::bigint))::bigint % :cabinets,
       u0.first + abs(hashint8(-g::bigint))::bigint % :people,
       d0.first + ((abs(hashint8(-g::bigint))::bigint % :people) + 1) % :departments,
       'weight', 'committed', 1, 1,
       CAST(:last_day AS timestamptz) - make_interval(secs => (g * :step)::int)
FROM tenant t,
     (SELECT min(id) AS first FROM cabinet WHERE code LIKE 'CAB-R-%') c0,
     (SELECT min(id) AS first FROM app_user WHERE employee_no LIKE 'R%') u0,
     (SELECT min(id) AS first FROM department WHERE name LIKE '部门%') d0,
     generate_series(1, :withdrawals) g
WHERE t.code = 'TN-REPORT';
"""

LINES_SQL = """
INSERT INTO withdrawal_line (tenant_id, withdrawal_id, item_id, quantity, unit_cost_cents,
                             line_cost_cents, created_at, user_id, department_id, cabinet_id)
SELECT w.tenant_id, w.id, i.id, q.n, i.unit_cost_cents, q.n * i.unit_cost_cents,
       w.created_at, w.user_id, w.department_id, w.cabinet_id
FROM withdrawal w
CROSS JOIN LATERAL generate_series(0, w.id % 4) k
CROSS JOIN LATERAL (SELECT 1 + abs(hashint8(w.id * 7 + k))::int % 3 AS n) q
JOIN item i ON i.tenant_id = w.tenant_id
           AND i.id = (SELECT min(id) FROM item WHERE sku LIKE 'R-%')
                      + abs(hashint8(w.id * 13 + k))::bigint % :items
WHERE w.tenant_id = (SELECT id FROM tenant WHERE code = 'TN-REPORT');
"""

TOTALS_SQL = """
UPDATE withdrawal w SET total_qty = s.qty, total_cost_cents = s.cost
FROM (SELECT withdrawal_id, sum(quantity) AS qty, sum(line_cost_cents) AS cost
      FROM withdrawal_line GROUP BY withdrawal_id) s
WHERE s.withdrawal_id = w.id;
SELECT setval(pg_get_serial_sequence('withdrawal', 'id'), (SELECT max(id) FROM withdrawal));
"""


def build(url: str, lines: int) -> int:
    """The world and about `lines` withdrawal lines over the year before LAST_DAY; the tenant id."""
    withdrawals = int(lines / LINES_PER_WITHDRAWAL)
    params = {
        "cabinets": CABINETS,
        "departments": DEPARTMENTS,
        "people": PEOPLE,
        "items": ITEMS,
        "types": TYPES,
        "tags": TAGS,
    }
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in filter(str.strip, WORLD_SQL.split(";")):
            conn.execute(text(statement), params)
        conn.execute(
            text(WITHDRAWALS_SQL),
            {
                **params,
                "withdrawals": withdrawals,
                "step": 365 * 86400 / withdrawals,
                "last_day": f"{LAST_DAY.isoformat()} 12:00:00+00",
            },
        )
        conn.execute(text(LINES_SQL), params)
        for statement in filter(str.strip, TOTALS_SQL.split(";")):
            conn.execute(text(statement))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        tenant = conn.execute(text("SELECT id FROM tenant WHERE code = 'TN-REPORT'")).scalar_one()
    engine.dispose()
    return tenant
