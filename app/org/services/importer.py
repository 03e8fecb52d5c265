"""Batch import of people from CSV or XLSX: read → plan (every row checked) → commit all or nothing.

A row whose 工号 (employee number) is already a person of the tenant updates that person;
other rows create people. The plan names every problem by row number (as the spreadsheet shows
it, header = row 1), column and reason; commit refuses the whole file if any row is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core import tables
from app.core.cells import append_row, inert_row
from app.core.errors import DomainError
from app.core.i18n import t
from app.core.model_base import pk
from app.core.tables import Column, Rows
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import User
from app.org.services.departments import department_paths
from app.org.services.users import FIELD_CLEANERS

MAX_ROWS = tables.MAX_ROWS
MAX_BYTES = tables.MAX_BYTES  # a body limit in front of /_upload needs a little more (multipart)
PROGRESS_EVERY = 250
Progress = Callable[[str, int, int], None]  # (phase, done, total)


COLUMNS: tuple[Column, ...] = (
    Column("employee_no"),
    Column("name", required=True),
    Column("phone"),
    Column("email"),
    Column("department"),
    Column("badge_card_no"),
)
UNIQUE_IN_TENANT = ("employee_no", "phone", "badge_card_no")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a COLUMNS key ('' for the whole file)
    key: str  # translation key of the reason
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    total: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(DomainError):
    key = "import.rejected"

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(errors=len(plan.errors))
        self.plan = plan


def read_table(filename: str, source: bytes | BinaryIO) -> Rows:
    """The data rows of an uploaded people file, streamed (app/core/tables.py)."""
    return tables.read_table(filename, source, COLUMNS, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)


def plan_import(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    rows: Rows,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row against the rules, the file itself and the tenant's people."""
    scope.require(tenant_id)
    plan = ImportPlan(total=len(rows))
    departments = department_paths(session=session, tenant_id=tenant_id)
    existing = list(session.exec(scoped_select(User, TenantScope.single(tenant_id))))
    by_employee_no = {u.employee_no: u for u in existing if u.employee_no}
    holders = {
        column: {getattr(u, column): pk(u) for u in existing if getattr(u, column)}
        for column in UNIQUE_IN_TENANT
    }
    seen: dict[str, dict[str, int]] = {column: {} for column in UNIQUE_IN_TENANT}
    for done, (number, cells) in enumerate(rows, start=1):
        _plan_row(plan, number, cells, departments, by_employee_no, holders, seen)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress("check", done, len(rows))
    return plan


def _plan_row(
    plan: ImportPlan,
    number: int,
    cells: dict[str, str],
    departments: dict[str, int],
    by_employee_no: dict[str, User],
    holders: dict[str, dict[str, int]],
    seen: dict[str, dict[str, int]],
) -> None:
    errors: list[RowError] = []
    department_id = None
    department_text = cells.get("department", "").strip().strip("/")
    if department_text:
        department_id = departments.get(department_text)
        if department_id is None:
            errors.append(RowError(number, "department", "import.unknown_department"))
    values: dict[str, Any] = {}
    for column in FIELD_CLEANERS:
        try:
            values[column] = FIELD_CLEANERS[column](cells.get(column, ""))
        except DomainError as bad:
            errors.append(RowError(number, column, bad.key, bad.params))
    match = by_employee_no.get(values.get("employee_no") or "")
    for column in UNIQUE_IN_TENANT:
        value = values.get(column)
        if not value:
            continue
        if value in seen[column]:
            errors.append(
                RowError(number, column, "import.duplicate_in_file", {"row": seen[column][value]})
            )
        seen[column][value] = number
        holder = holders[column].get(value)
        if holder is not None and (match is None or holder != match.id):
            errors.append(RowError(number, column, "import.taken", {"value": value}))
    if errors:
        plan.errors.extend(errors)
        return
    values["department_id"] = department_id
    if match is not None:
        plan.updates.append((pk(match), values))
    else:
        plan.creates.append(values)


def commit_import(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    rows: Rows,
    actor: Actor,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check again (the tenant may have changed since the preview), then write everything in
    the caller's transaction, or nothing: ImportRejected carries the plan with its errors."""
    plan = plan_import(
        session=session, scope=scope, tenant_id=tenant_id, rows=rows, progress=progress
    )
    if plan.errors:
        raise ImportRejected(plan)
    now = datetime.now(UTC)
    created = [User(tenant_id=tenant_id, created_at=now, updated_at=now, **v) for v in plan.creates]
    session.add_all(created)
    session.flush()
    if progress:
        progress("write", len(created), plan.total)
    audit_rows = [
        _audit_row(tenant_id, actor, "app_user.create", pk(u), None, v, now)
        for u, v in zip(created, plan.creates, strict=True)
    ]
    updated = (
        {
            u.id: u
            for u in session.exec(
                select(User).where(col(User.id).in_([i for i, _ in plan.updates]))
            )
        }
        if plan.updates
        else {}
    )
    for user_id, values in plan.updates:
        user = updated[user_id]
        before = {k: getattr(user, k) for k in values}
        for k, value in values.items():
            setattr(user, k, value)
        user.updated_at = now
        audit_rows.append(
            _audit_row(tenant_id, actor, "app_user.update", user_id, before, values, now)
        )
    session.flush()
    if audit_rows:
        session.execute(insert(AuditLog), audit_rows)
    if progress:
        progress("write", plan.total, plan.total)
    return plan


def _audit_row(
    tenant_id: int,
    actor: Actor,
    action: str,
    user_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    changed = [k for k in after if before is None or before.get(k) != after[k]]
    return {
        "tenant_id": tenant_id,
        "actor_account_id": actor.account_id,
        "actor_name": actor.name,
        "action": action,
        "entity": "app_user",
        "entity_id": str(user_id),
        "before": None if before is None else {k: before.get(k) for k in changed},
        "after": {k: after[k] for k in changed},
        "ip": actor.ip,
        "created_at": now,
    }


def export_table(*, session: Session, scope: TenantScope, tenant_id: int) -> list[list[str]]:
    """Every person of the tenant in the import's own columns (so an export re-imports)."""
    scope.require(tenant_id)
    paths = {v: k for k, v in department_paths(session=session, tenant_id=tenant_id).items()}
    rows = []
    for user in session.exec(
        scoped_select(User, TenantScope.single(tenant_id)).order_by(col(User.id))
    ):
        rows.append(
            [
                user.employee_no or "",
                user.name,
                user.phone or "",
                user.email or "",
                paths.get(user.department_id, "") if user.department_id else "",
                user.badge_card_no or "",
            ]
        )
    return rows


def headers(locale: str) -> list[str]:
    return [c.header(locale) for c in COLUMNS]


def to_csv(rows: list[list[str]], locale: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(inert_row(headers(locale)))
    writer.writerows(inert_row(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(rows: list[list[str]], locale: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = t("nav.users", locale)  # the tab in the reader's language, like the headers
    append_row(sheet, headers(locale))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0F766E")
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (12, 12, 15, 26, 24, 16), strict=True):
        sheet.column_dimensions[letter].width = width
        for cell in sheet[letter]:
            cell.number_format = "@"  # text: keeps leading zeros and long numbers intact
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_xlsx(locale: str) -> bytes:
    """The empty template with one example row."""
    return to_xlsx(
        [["E0001", "张三", "13900000000", "zhangsan@example.com", "研发中心/测试组", "A1B2C3D4"]],
        locale,
    )
