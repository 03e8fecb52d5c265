"""Database triggers that make ledger-like tables append-only (UPDATE and DELETE refused).

Used by migrations; kept here so a later migration adding another ledger table reuses it.
"""

from __future__ import annotations

from alembic import op

APPEND_ONLY_TABLES = ("stock_movement", "audit_log")


def _pg_statements(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{table} is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"""
        for verb in ("UPDATE", "DELETE")
    ]


def create_append_only_triggers(tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        statements = _pg_statements(table) if dialect == "postgresql" else _sqlite_statements(table)
        for statement in statements:
            op.execute(statement)


def drop_append_only_triggers(tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    dialect = op.get_bind().dialect.name
    for table in tables:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        else:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
