"""Database triggers that make ledger-like tables append-only (UPDATE and DELETE refused).

Used by migrations; kept here so a later migration adding another ledger table reuses it.
"""

from __future__ import annotations

from alembic import op

APPEND_ONLY_TABLES = ("stock_movement", "audit_log")


def trigger_names(table: str, dialect: str) -> list[str]:
    """The triggers that guard `table` on `dialect` (a restore is checked for them)."""
    if dialect == "postgresql":
        return [f"{table}_no_update_delete"]
    return [f"{table}_no_{verb}" for verb in ("update", "delete")]


def _pg_statements(table: str) -> list[str]:
    (name,) = trigger_names(table, "postgresql")
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '{table} is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {name} BEFORE {verb} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"""
        for name, verb in zip(trigger_names(table, "sqlite"), ("UPDATE", "DELETE"), strict=True)
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
            op.execute(f"DROP TRIGGER IF EXISTS {trigger_names(table, dialect)[0]} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        else:
            for name in trigger_names(table, dialect):
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
