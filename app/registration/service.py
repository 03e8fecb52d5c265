"""Phone whitelist (tenant admins) and employee self-registration (mobile page).

Rule: tenant admins keep a list of allowed phones (one by one or by import); an employee
registers with phone + verification code, and only a phone listed by exactly one (active)
tenant can register: it gets a tenant account bound to that tenant's person, with the built-in
`employee` role there.

Services take a Session as keyword `session` and only flush; the caller owns the transaction.
Phones are never logged in clear and never put in error parameters.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.models import Account, AccountKind, GrantScope, RoleGrant
from app.auth.passwords import hash_secret, verify_secret
from app.auth.service import ensure_builtin_roles, find_account
from app.core.errors import DomainError, ValidationError
from app.core.model_base import as_utc
from app.core.records import Actor, delete_scoped, record_created, update_scoped
from app.core.tenancy import TenantScope, get_scoped, scope_filter, scoped_select
from app.org.models import Department, PhoneWhitelist, User
from app.registration.models import VerificationCode
from app.registration.sender import get_sender
from app.tenants.models import Status, Tenant

# --- phones ------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalise_phone(raw: str | int | float | None) -> str:
    """A mainland mobile number as 11 digits: spaces/dashes and a +86/86 prefix removed."""
    if isinstance(raw, float) and raw.is_integer():  # spreadsheets hand numbers back as floats
        raw = int(raw)
    text = _SEPARATORS.sub("", "" if raw is None else str(raw))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.fullmatch(text):
        raise ValidationError(field="phone")
    return text


# --- whitelist administration ---------------------------------------------------------------

MAX_NAME = 60
MAX_PAGE = 200
MAX_IMPORT_ROWS = 5000
FIRST_DATA_ROW = 2  # row 1 of the imported file is its header line
IMPORT_COLUMNS = ("phone", "name", "department")  # department: a department's code or name


@dataclass(frozen=True)
class WhitelistPage:
    entries: list[PhoneWhitelist]
    next_after_id: int | None  # pass as `after_id` for the next page; None on the last page


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


def _clean_text(raw: Any) -> str | None:
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
    name = _clean_text(name)
    if name is not None and len(name) > MAX_NAME:
        raise ValidationError(field="name")
    if department_id is not None and (
        get_scoped(session, Department, department_id, TenantScope.single(tenant_id)) is None
    ):
        raise ValidationError(field="department_id")
    if phone in _listed_phones(session, tenant_id):
        raise DomainError("whitelist.phone_already_listed")
    entry = PhoneWhitelist(tenant_id=tenant_id, phone=phone, name=name, department_id=department_id)
    session.add(entry)
    session.flush()
    record_created(session, entry, actor=actor)
    return entry


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
    if after_id is not None:
        statement = statement.where(col(PhoneWhitelist.id) > after_id)
    rows = list(session.exec(statement.order_by(col(PhoneWhitelist.id)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return WhitelistPage(rows, rows[-1].id if more and rows else None)


class _Departments:
    """A tenant's departments found by code, else by name (a name may be ambiguous)."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        for department in session.exec(scoped_select(Department, TenantScope.single(tenant_id))):
            if department.code:
                self.by_code[department.code] = department.id
            self.by_name.setdefault(department.name, []).append(department.id)

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
    values: dict[str, Any] = {"name": _clean_text(row.get("name")), "department_id": None}
    raw_phone = _clean_text(row.get("phone"))
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
    department = _clean_text(row.get("department"))
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


# --- verification codes ------------------------------------------------------------------

PURPOSE_REGISTER = "register"
CODE_TTL = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
PHONE_LIMITS = ((1, timedelta(seconds=60)), (5, timedelta(hours=1)))
IP_LIMITS = ((20, timedelta(hours=1)),)


class CodeRejectedError(DomainError):
    """The code is wrong, used up or expired.

    A wrong attempt is counted (flushed) before this is raised, so the caller must COMMIT
    when catching it (`session_scope()` rolls back on any exception, which would forget the
    attempt and allow unlimited guesses): catch it inside the unit of work, re-raise after.
    """

    key = "register.code_wrong"


def _wait_seconds(
    session: Session, column: Any, value: str, limit: int, window: timedelta, now: datetime
) -> float:
    """How long until fewer than `limit` codes were requested within `window` (0: not limited)."""
    statement = (
        select(VerificationCode.created_at)
        .where(
            column == value,
            VerificationCode.purpose == PURPOSE_REGISTER,
            col(VerificationCode.created_at) > now - window,
        )
        .order_by(col(VerificationCode.created_at).desc())
        .limit(limit)
    )
    recent = [as_utc(moment) for moment in session.exec(statement)]
    if len(recent) < limit:
        return 0.0
    return (recent[-1] + window - now).total_seconds()


def _refuse_if_too_many(session: Session, phone: str, ip: str, now: datetime) -> None:
    waits = [
        _wait_seconds(session, VerificationCode.phone, phone, limit, window, now)
        for limit, window in PHONE_LIMITS
    ] + [
        _wait_seconds(session, VerificationCode.ip, ip, limit, window, now)
        for limit, window in IP_LIMITS
    ]
    wait = max(waits)
    if wait > 0:
        raise DomainError("register.too_many", seconds=max(1, math.ceil(wait)))


def _whitelist_entries(session: Session, phone: str) -> list[PhoneWhitelist]:
    """Every active tenant's entry for `phone`. Registration is cross-tenant by nature (the
    phone's tenant is what we are looking for), hence the platform scope."""
    statement = (
        scoped_select(PhoneWhitelist, TenantScope.platform())
        .join(Tenant, col(Tenant.id) == col(PhoneWhitelist.tenant_id))
        .where(PhoneWhitelist.phone == phone, Tenant.status == Status.active.value)
    )
    return list(session.exec(statement))


def request_code(*, session: Session, phone: str, ip: str, now: datetime | None = None) -> None:
    """Issue a 6-digit code (stored hashed, valid CODE_TTL) and send it if the phone is listed.

    A phone no active tenant lists returns exactly the same way (a code row is stored and
    counts for the rate limits, but nothing is sent), so this call cannot be used to find out
    who is on a whitelist. Too many requests per phone or per IP raise `register.too_many`
    with the `seconds` to wait.
    """
    now = now or datetime.now(UTC)
    phone = normalise_phone(phone)
    ip = (ip or "unknown")[:45]
    _refuse_if_too_many(session, phone, ip, now)
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        VerificationCode(
            phone=phone,
            code_hash=hash_secret(code),
            purpose=PURPOSE_REGISTER,
            ip=ip,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    session.flush()
    if _whitelist_entries(session, phone):
        get_sender().send(phone, code)


def _consume_code(session: Session, phone: str, code: str, now: datetime) -> VerificationCode:
    """Check `code` against the phone's latest live code; mark it used, or count the miss."""
    statement = (
        select(VerificationCode)
        .where(
            VerificationCode.phone == phone,
            VerificationCode.purpose == PURPOSE_REGISTER,
            col(VerificationCode.used_at).is_(None),
            col(VerificationCode.expires_at) > now,
        )
        .order_by(col(VerificationCode.created_at).desc(), col(VerificationCode.id).desc())
        .limit(1)
    )
    row = session.exec(statement).first()
    if row is None:
        raise CodeRejectedError("register.code_expired")
    if row.attempts >= MAX_CODE_ATTEMPTS:
        raise CodeRejectedError("register.code_exhausted")
    if not verify_secret(code, row.code_hash):
        row.attempts += 1
        session.add(row)
        session.flush()
        left = MAX_CODE_ATTEMPTS - row.attempts
        if left == 0:
            raise CodeRejectedError("register.code_exhausted")
        raise CodeRejectedError("register.code_wrong", attempts_left=left)
    row.used_at = now
    session.add(row)
    session.flush()
    return row


# --- registration --------------------------------------------------------------------------

EMPLOYEE_ROLE = "employee"
MIN_PASSWORD = 8
MAX_PASSWORD = 128


def check_password(password: str) -> None:
    """At least 8 characters with both letters and digits."""
    if (
        not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD
        or not re.search(r"[A-Za-z]", password)
        or not re.search(r"\d", password)
    ):
        raise ValidationError(field="password")


def _single_entry(session: Session, phone: str) -> PhoneWhitelist:
    entries = _whitelist_entries(session, phone)
    if not entries:
        raise DomainError("register.not_whitelisted")
    if len(entries) > 1:
        raise DomainError("register.several_tenants")
    return entries[0]


def _bind_user(session: Session, entry: PhoneWhitelist, account: Account, actor: Actor) -> User:
    """The tenant's person with this phone and no account, bound; else a new person."""
    scope = TenantScope.single(entry.tenant_id)
    user = session.exec(scoped_select(User, scope).where(User.phone == entry.phone)).first()
    if user is None:
        user = User(
            tenant_id=entry.tenant_id,
            account_id=account.id,
            name=entry.name or account.display_name,
            phone=entry.phone,
            department_id=entry.department_id,
        )
        session.add(user)
        session.flush()
        record_created(session, user, actor=actor)
        return user
    if user.account_id is not None or not user.is_active:
        raise DomainError("register.user_conflict")
    return update_scoped(session, User, user.id, scope, {"account_id": account.id}, actor=actor)


def _grant_employee(session: Session, account: Account, tenant_id: int) -> None:
    role = ensure_builtin_roles(session=session)[EMPLOYEE_ROLE]
    session.add(
        RoleGrant(
            account_id=account.id,
            role_id=role.id,
            scope=GrantScope.tenant.value,
            tenant_id=tenant_id,
        )
    )
    session.flush()


def register(
    *,
    session: Session,
    phone: str,
    code: str,
    password: str,
    display_name: str | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Account:
    """Create the employee's account from a listed phone and its verification code.

    The code is checked before anything about the phone is revealed (a phone nobody lists
    never receives a valid code). Raises CodeRejectedError (see there: commit on it),
    ValidationError(field="phone"/"password") or DomainError("register.*"). Flush only.
    """
    now = now or datetime.now(UTC)
    phone = normalise_phone(phone)
    check_password(password)
    _consume_code(session, phone, str(code or "").strip(), now)
    if find_account(session=session, login=phone) is not None:
        raise DomainError("register.already_registered")
    entry = _single_entry(session, phone)
    account = Account(
        username=phone,
        phone=phone,
        display_name=(_clean_text(display_name) or entry.name or phone)[:MAX_NAME],
        password_hash=hash_secret(password),
        kind=AccountKind.tenant.value,
    )
    session.add(account)
    session.flush()
    actor = Actor(account_id=account.id, name=account.display_name, ip=ip)
    user = _bind_user(session, entry, account, actor)
    _grant_employee(session, account, entry.tenant_id)
    update_scoped(
        session,
        PhoneWhitelist,
        entry.id,
        TenantScope.single(entry.tenant_id),
        {"registered_user_id": user.id},
        actor=actor,
    )
    audit.record(
        session=session,
        action="account.register",
        entity="account",
        entity_id=account.id,
        tenant_id=entry.tenant_id,
        actor_account_id=account.id,
        actor_name=account.display_name,
        after={"phone": phone, "user_id": user.id, "whitelist_id": entry.id, "role": EMPLOYEE_ROLE},
        ip=ip,
    )
    return account
