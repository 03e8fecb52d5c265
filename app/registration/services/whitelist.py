"""The phone whitelist of a tenant: who may self-register on the mobile page (add, list, import)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.audit.services.records import Actor, delete_scoped, record_created
from app.core.errors import DomainError, ValidationError
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped, scope_filter, scoped_select
from app.core.text import has_unsafe, refuse_unsafe
from app.org.models import Department, PhoneWhitelist
from app.org.services.validation import normalise_phone
from app.tenants.models import Tenant

# --- whitelist administration ---------------------------------------------------------------

MAX_NAME = 60
_SEPARATORS = re.compile(r"[\s\-]")
MAX_PAGE = 200
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024  # 5,000 rows of phone, name, department: a few hundred KB
FIRST_DATA_ROW = 2  # row 1 of the imported file is its header line
IMPORT_COLUMNS = ("phone", "name", "department")  # department: a department's code or name


@dataclass(frozen=True)
class WhitelistPage:
    entries: list[PhoneWhitelist]
    next_after_id: int | None  # pass as `after_id` for the next page; None on the last page
    total: int = 0


@dataclass(frozen=True)
class ImportRowError:
    row: int  # line of the file (the header is line 1)
    column: str
    key: str  # translation key


@dataclass(frozen=True)
class ImportResult:
    created: int
    errors: tuple[ImportRowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(raw: Any) -> str | None:
    text = "" if raw is None else str(raw).strip()
    return text or None


def _listed_phones(session: Session, tenant_id: int) -> set[str]:
    statement = select(PhoneWhitelist.phone).where(
        scope_filter(PhoneWhitelist, TenantScope.single(tenant_id))
    )
    return set(session.exec(statement))


def add_whitelist(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    phone: str,
    name: str | None = None,
    department_id: int | None = None,
    actor: Actor,
) -> PhoneWhitelist:
    """List one phone for `tenant_id` (audited)."""
    scope.require(tenant_id)
    phone = normalise_phone(phone)
    name = clean_text(name)
    if name is not None and len(name) > MAX_NAME:
        raise ValidationError(field="name")
    if name is not None:
        refuse_unsafe(name, "name")
    if department_id is not None and (
        get_scoped(session, Department, department_id, TenantScope.single(tenant_id)) is None
    ):
        raise ValidationError(field="department_id")
    listed = scoped_select(PhoneWhitelist, TenantScope.single(tenant_id))
    if session.exec(listed.where(PhoneWhitelist.phone == phone)).first() is not None:
        raise DomainError("whitelist.phone_already_listed")
    entry = PhoneWhitelist(tenant_id=tenant_id, phone=phone, name=name, department_id=department_id)
    session.add(entry)
    session.flush()
    record_created(session, entry, actor=actor)
    return entry


def tenant_name(*, session: Session, scope: TenantScope, tenant_id: int) -> str:
    """The name the registration card shows: the scope's tenant, never another's."""
    if not scope.allows(tenant_id):
        return ""
    tenant = session.get(Tenant, tenant_id)
    return tenant.name if tenant else ""


def remove_whitelist(*, session: Session, scope: TenantScope, entry_id: int, actor: Actor) -> None:
    """Unlist a phone (audited). An account already registered with it stays as it is."""
    delete_scoped(session, PhoneWhitelist, entry_id, scope, actor=actor)


def list_whitelist(
    *,
    session: Session,
    scope: TenantScope,
    search: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> WhitelistPage:
    """Listed phones of the scope by id (keyset pagination), optionally matching phone/name."""
    limit = max(1, min(limit, MAX_PAGE))
    statement = scoped_select(PhoneWhitelist, scope)
    term = (search or "").strip()
    if term:
        digits = _SEPARATORS.sub("", term)
        statement = statement.where(
            or_(
                col(PhoneWhitelist.phone).contains(digits, autoescape=True),
                col(PhoneWhitelist.name).contains(term, autoescape=True),
            )
        )
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(PhoneWhitelist.id) > after_id)
    rows = list(session.exec(statement.order_by(col(PhoneWhitelist.id)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return WhitelistPage(rows, rows[-1].id if more and rows else None, total)


class _Departments:
    """A tenant's departments found by code, else by name (a name may be ambiguous)."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for department in session.exec(scoped_select(Department, TenantScope.single(tenant_id))):
            if department.code:
                self.by_code[department.code] = pk(department)
            self.by_name.setdefault(department.name, []).append(pk(department))

    def resolve(self, text: str) -> tuple[int | None, str | None]:
        """(department id, None) or (None, error key)."""
        if text in self.by_code:
            return self.by_code[text], None
        ids = self.by_name.get(text, [])
        if len(ids) == 1:
            return ids[0], None
        return None, "whitelist.department_ambiguous" if ids else "whitelist.department_unknown"


def _parse_row(
    row: Mapping[str, Any],
    number: int,
    departments: _Departments,
    listed: set[str],
    seen: set[str],
) -> tuple[dict[str, Any], list[ImportRowError]]:
    errors: list[ImportRowError] = []
    values: dict[str, Any] = {"name": clean_text(row.get("name")), "department_id": None}
    raw_phone = clean_text(row.get("phone"))
    if raw_phone is None:
        errors.append(ImportRowError(number, "phone", "whitelist.phone_required"))
    else:
        try:
            values["phone"] = phone = normalise_phone(raw_phone)
        except ValidationError:
            errors.append(ImportRowError(number, "phone", "whitelist.phone_invalid"))
        else:
            if phone in seen:
                errors.append(ImportRowError(number, "phone", "whitelist.phone_duplicate_in_file"))
            elif phone in listed:
                errors.append(ImportRowError(number, "phone", "whitelist.phone_already_listed"))
            seen.add(phone)
    if values["name"] is not None and len(values["name"]) > MAX_NAME:
        errors.append(ImportRowError(number, "name", "whitelist.name_too_long"))
    elif values["name"] is not None and has_unsafe(values["name"]):
        errors.append(ImportRowError(number, "name", "whitelist.name_unsafe"))
    department = clean_text(row.get("department"))
    if department is not None:
        values["department_id"], key = departments.resolve(department)
        if key is not None:
            errors.append(ImportRowError(number, "department", key))
    return values, errors


def import_whitelist(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    rows: Sequence[Mapping[str, Any]],
    actor: Actor,
) -> ImportResult:
    """All or nothing: every row is checked first; with any error nothing is written.

    `rows` are the file's data lines as dicts keyed by IMPORT_COLUMNS (the caller maps the
    header); rows[0] is line 2 of the file. A phone listed twice in the file, or already
    listed for the tenant, is an error.
    """
    scope.require(tenant_id)
    if len(rows) > MAX_IMPORT_ROWS:
        raise DomainError("whitelist.import_too_large", max=MAX_IMPORT_ROWS)
    departments = _Departments(session, tenant_id)
    listed = _listed_phones(session, tenant_id)
    seen: set[str] = set()
    parsed: list[dict[str, Any]] = []
    errors: list[ImportRowError] = []
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        values, row_errors = _parse_row(row, number, departments, listed, seen)
        parsed.append(values)
        errors.extend(row_errors)
    if errors:
        return ImportResult(created=0, errors=tuple(errors))
    entries = [PhoneWhitelist(tenant_id=tenant_id, **values) for values in parsed]
    session.add_all(entries)
    session.flush()
    for entry in entries:
        record_created(session, entry, actor=actor)
    return ImportResult(created=len(entries))
