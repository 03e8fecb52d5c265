"""A restored database checked against its backup's manifest: the same revision, every table's
row count, the audit log whole (count, last id, digest) and still append-only, the stock ledger
reconciled with stock and every withdrawal's totals equal to its lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from app.backup.services.manifest import Figures, figures_of
from app.core.append_only import APPEND_ONLY_TABLES, trigger_names
from app.core.tenancy import TenantScope
from app.inventory.services.inventory import reconcile_ledger
from app.withdrawals.services.totals import totals_mismatches


@dataclass
class Findings:
    """What a check of a restored database found; `ok` when nothing."""

    figures: Figures
    problems: list[str] = field(default_factory=list)
    ledger_mismatches: int | None = None  # None: not run yet
    totals_mismatches: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def compare(expected: Figures, found: Figures) -> list[str]:
    """Every way the restored figures differ from the manifest's."""
    problems = []
    if found.revision != expected.revision:
        problems.append(f"schema revision {found.revision!r}, backup {expected.revision!r}")
    for table in sorted(set(expected.tables) | set(found.tables)):
        want, got = expected.tables.get(table), found.tables.get(table)
        if want != got:
            problems.append(f"table {table}: {got} rows, backup {want}")
    if found.audit != expected.audit:
        problems.append(
            f"audit log: {found.audit.count} entries up to id {found.audit.max_id}, backup "
            f"{expected.audit.count} up to {expected.audit.max_id}"
            + ("" if found.audit.digest == expected.audit.digest else " (digest differs)")
        )
    return problems


def _triggers(conn: Connection, table: str) -> set[str]:
    if conn.dialect.name == "postgresql":
        sql = (
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = :table AND NOT t.tgisinternal"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    return {row[0] for row in conn.execute(text(sql), {"table": table})}


def missing_guards(conn: Connection) -> list[str]:
    """Append-only triggers (audit log, stock ledger) a restore failed to bring back."""
    return [
        f"trigger {name} on {table} is missing"
        for table in APPEND_ONLY_TABLES
        for name in trigger_names(table, conn.dialect.name)
        if name not in _triggers(conn, table)
    ]


def check_contents(engine: Engine, expected: Figures) -> Findings:
    """The restored figures against the manifest's, and the guards, before any upgrade."""
    with engine.connect() as conn:
        found = figures_of(conn)
        problems = compare(expected, found) + missing_guards(conn)
    return Findings(figures=found, problems=problems)


def check_books(engine: Engine, findings: Findings) -> Findings:
    """Ledger against stock and withdrawals against lines, across every tenant (run on the
    schema this code knows, so after any upgrade)."""
    platform = TenantScope.platform()
    with Session(engine) as session:
        ledger = reconcile_ledger(session=session, scope=platform)
        totals = totals_mismatches(session=session, scope=platform)
    findings.ledger_mismatches, findings.totals_mismatches = len(ledger), len(totals)
    findings.problems += [
        f"ledger: slot {m.slot_id} item {m.item_id} sums to {m.ledger_quantity}, "
        f"stock {m.stock_quantity}"
        for m in ledger[:20]
    ]
    findings.problems += [
        f"withdrawal {m.withdrawal_id}: totals {m.total_qty}/{m.total_cost_cents}, "
        f"lines {m.lines_qty}/{m.lines_cost_cents}"
        for m in totals[:20]
    ]
    return findings
