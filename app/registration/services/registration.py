"""Phone whitelist (tenant admins) and employee self-registration (mobile page).

Rule: tenant admins keep a list of allowed phones (one by one or by import); an employee
registers with phone + verification code and gets a tenant account bound to that tenant's
person, with the built-in `employee` role there. A phone several (active) tenants list is never
blocked: once its code is proven, the person is shown those companies' names and picks one.

Services take a Session as keyword `session` and only flush; the caller owns the transaction.
Phones are never logged in clear and never put in error parameters.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor, record_created, update_scoped
from app.auth.models import Account, AccountKind, GrantScope, RoleGrant
from app.auth.services.auth import ensure_builtin_roles, find_account
from app.auth.services.passwords import hash_secret, verify_secret
from app.core.errors import DomainError
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import PhoneWhitelist, User
from app.org.services.validation import clean_display_name, clean_password, normalise_phone
from app.registration.models import VerificationCode
from app.registration.services.sender import CODE_TTL, get_sender
from app.registration.services.whitelist import MAX_NAME
from app.tenants.models import Status, Tenant

# --- verification codes ------------------------------------------------------------------

PURPOSE_REGISTER = "register"
MAX_CODE_ATTEMPTS = 5
# (counted by, at most, within): per phone 1 a minute and 5 an hour, per IP 20 an hour
RATE_LIMITS = (
    ("phone", 1, timedelta(seconds=60)),
    ("phone", 5, timedelta(hours=1)),
    ("ip", 20, timedelta(hours=1)),
)


class CodeRejectedError(DomainError):
    """The code is wrong, used up or expired.

    A wrong attempt is counted (flushed) before this is raised; `keep_record` makes a unit of
    work (`session_scope`) commit that count before re-raising, so guesses stay limited.
    """

    key = "register.code_wrong"
    keep_record = True  # the wrong attempt is counted even though the caller refuses


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
    values = {"phone": phone, "ip": ip}
    wait = max(
        _wait_seconds(session, getattr(VerificationCode, by), values[by], limit, window, now)
        for by, limit, window in RATE_LIMITS
    )
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


def _check_code(session: Session, phone: str, code: str, now: datetime) -> VerificationCode:
    """The phone's latest live code when `code` matches it; a miss is counted (flushed)."""
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
    return row


# --- registration --------------------------------------------------------------------------

EMPLOYEE_ROLE = "employee"


@dataclass(frozen=True)
class CompanyChoice:
    tenant_id: int
    name: str


class CompanyChoiceNeeded(DomainError):
    """Several companies list the phone: the person picks one (`choices`), then registers
    again with the same code and `tenant_id`. Raised only after the code was proven."""

    key = "register.choose_company"

    def __init__(self, choices: tuple[CompanyChoice, ...]) -> None:
        super().__init__()
        self.choices = choices


def _chosen_entry(session: Session, phone: str, tenant_id: int | None) -> PhoneWhitelist:
    """The whitelist entry to register under: the only one, or the one the person chose."""
    entries = _whitelist_entries(session, phone)
    if not entries:
        raise DomainError("register.not_whitelisted")
    if len(entries) == 1 and tenant_id is None:
        return entries[0]
    for entry in entries:
        if entry.tenant_id == tenant_id:
            return entry
    names = dict(
        session.exec(
            select(Tenant.id, Tenant.name).where(col(Tenant.id).in_([e.tenant_id for e in entries]))
        ).all()
    )
    choices = sorted(
        (CompanyChoice(e.tenant_id, names[e.tenant_id]) for e in entries),
        key=lambda choice: (choice.name, choice.tenant_id),
    )
    raise CompanyChoiceNeeded(tuple(choices))


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
            account_id=pk(account),
            role_id=pk(role),
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
    tenant_id: int | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Account:
    """Create the employee's account from a listed phone and its verification code.

    The code is checked before anything about the phone is revealed (a phone nobody lists
    never receives a valid code). A phone several companies list raises CompanyChoiceNeeded
    (with their names) until `tenant_id` names one of them; the code stays usable until the
    account is created. Raises CodeRejectedError (see there: commit on it),
    ValidationError(field="phone"/"password"/"name") or DomainError("register.*"). Flush only.
    """
    now = now or datetime.now(UTC)
    phone = normalise_phone(phone)
    clean_password(password)
    display_name = clean_display_name(display_name)
    code_row = _check_code(session, phone, str(code or "").strip(), now)
    if find_account(session=session, login=phone) is not None:
        raise DomainError("register.already_registered")
    entry = _chosen_entry(session, phone, tenant_id)
    code_row.used_at = now
    session.add(code_row)
    account = Account(
        username=phone,
        phone=phone,
        display_name=(display_name or entry.name or phone)[:MAX_NAME],
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
