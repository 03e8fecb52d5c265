"""People of a tenant: list, create, edit, enable/disable, badge cards, PINs, password resets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.audit.services.records import Actor, record_created, update_scoped
from app.auth.models import Account, AuthSession
from app.auth.services.ended import announce_ended
from app.auth.services.passwords import hash_secret
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.org.models import Department, User
from app.org.services import validation as v

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserFields:
    """What a form or an import row says about a person (raw text, validated here)."""

    name: str
    employee_no: str | None = None
    phone: str | None = None
    email: str | None = None
    badge_card_no: str | None = None
    department_id: int | None = None


@dataclass(frozen=True)
class UserPage:
    rows: list[User]
    next_after: int | None  # keyset cursor: pass back as `after_id` for the next page
    departments: dict[int, str] = field(default_factory=dict)
    total: int = 0


def person_of(session: Session, scope: TenantScope, account_id: int) -> User:
    """The person (of the scope) an account signs in as."""
    person = session.exec(scoped_select(User, scope).where(User.account_id == account_id)).first()
    if person is None:
        raise NotFoundError(entity="User", id=account_id)
    return person


def _optional_phone(raw: str | None) -> str | None:
    return v.normalise_phone(raw) if str(raw or "").strip() else None


# One rule per column, shared by the form and the batch import.
FIELD_CLEANERS: dict[str, Callable[[str | None], Any]] = {
    "name": v.clean_name,
    "employee_no": v.clean_employee_no,
    "phone": _optional_phone,
    "email": v.clean_email,
    "badge_card_no": v.clean_card,
}


def clean_fields(fields: UserFields) -> dict[str, Any]:
    values = {column: clean(getattr(fields, column)) for column, clean in FIELD_CLEANERS.items()}
    values["department_id"] = fields.department_id
    return values


def _refuse_duplicates(
    session: Session, tenant_id: int, values: dict[str, Any], own_id: int | None
) -> None:
    for column in ("employee_no", "phone", "badge_card_no"):
        value = values.get(column)
        if value is None:
            continue
        holder = session.exec(
            select(User.id).where(User.tenant_id == tenant_id, getattr(User, column) == value)
        ).first()
        if holder is not None and holder != own_id:
            raise DomainError("org.duplicate", field=column, value=value)


def _check_department(session: Session, tenant_id: int, department_id: int | None) -> None:
    """The tenant's own department, and one in use: nobody is put into a disabled department
    (disabling one needs it empty; a crafted form or an integration could otherwise)."""
    if department_id is not None:
        found = get_scoped_or_raise(
            session, Department, department_id, TenantScope.single(tenant_id)
        )
        if not found.is_active:
            raise ValidationError("org.department_disabled", field="department", name=found.name)


def create_user(
    *, session: Session, scope: TenantScope, tenant_id: int, fields: UserFields, actor: Actor
) -> User:
    scope.require(tenant_id)
    values = clean_fields(fields)
    _check_department(session, tenant_id, values["department_id"])
    _refuse_duplicates(session, tenant_id, values, None)
    user = User(tenant_id=tenant_id, **values)
    session.add(user)
    session.flush()
    record_created(session, user, actor=actor)
    return user


def update_user(
    *, session: Session, scope: TenantScope, user_id: int, fields: UserFields, actor: Actor
) -> User:
    user = get_scoped_or_raise(session, User, user_id, scope)
    values = clean_fields(fields)
    _check_department(session, user.tenant_id, values["department_id"])
    _refuse_duplicates(session, user.tenant_id, values, user.id)
    values["updated_at"] = datetime.now(UTC)
    return update_scoped(session, User, user_id, scope, values, actor=actor)


def set_user_active(
    *, session: Session, scope: TenantScope, user_id: int, active: bool, actor: Actor
) -> User:
    """Disabling a person also disables their sign-in and ends their sessions."""
    user = update_scoped(session, User, user_id, scope, {"is_active": active}, actor=actor)
    if user.account_id is not None:
        account = session.get(Account, user.account_id)
        if account is not None:
            account.is_active = active
            if not active:
                _revoke_sessions(session, pk(account))
    session.flush()
    return user


def set_pin(*, session: Session, scope: TenantScope, user_id: int, pin: str, actor: Actor) -> User:
    """The cabinet PIN, stored hashed only (the audit log says it changed, never its value)."""
    return update_scoped(
        session, User, user_id, scope, {"pin_hash": hash_secret(v.clean_pin(pin))}, actor=actor
    )


def reset_password(
    *, session: Session, scope: TenantScope, user_id: int, new_password: str, actor: Actor
) -> None:
    """Set a new sign-in password for a person with an account; their sessions end."""
    user = get_scoped_or_raise(session, User, user_id, scope)
    if user.account_id is None:
        raise DomainError("org.no_account", name=user.name)
    account = session.get_one(Account, user.account_id)
    before = {"password_hash": account.password_hash}
    account.password_hash = hash_secret(v.clean_password(new_password))
    account.failed_logins = 0
    account.locked_until = None
    _revoke_sessions(session, pk(account))
    session.flush()
    from app.audit.services import audit

    audit.record(
        session=session,
        action="account.reset_password",
        entity="account",
        entity_id=account.id,
        tenant_id=user.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        after={"password_hash": account.password_hash},
        ip=actor.ip,
    )


def _revoke_sessions(session: Session, account_id: int) -> None:
    now = datetime.now(UTC)
    for row in session.exec(
        select(AuthSession).where(
            AuthSession.account_id == account_id, col(AuthSession.revoked_at).is_(None)
        )
    ):
        row.revoked_at = now
        announce_ended(session, row.id)


def list_users(
    *,
    session: Session,
    scope: TenantScope,
    search: str = "",
    department_id: int | None = None,
    active: bool | None = None,
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> UserPage:
    """One page, newest first, filtered on the server (keyset: never the whole table)."""
    statement = scoped_select(User, scope)
    term = search.strip()
    if term:
        like = f"%{term}%"
        statement = statement.where(
            or_(
                col(User.name).like(like),
                col(User.employee_no).like(like),
                col(User.phone).like(like),
            )
        )
    if department_id is not None:
        department = get_scoped_or_raise(session, Department, department_id, scope)
        subtree = select(Department.id).where(
            Department.tenant_id == department.tenant_id,
            Department.path.startswith(department.path),
        )
        statement = statement.where(col(User.department_id).in_(subtree))
    if active is not None:
        statement = statement.where(User.is_active == active)
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(User.id) < after_id)
    rows = list(session.exec(statement.order_by(col(User.id).desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    names = {
        pk(d): d.name
        for d in session.exec(
            scoped_select(Department, scope).where(
                col(Department.id).in_({r.department_id for r in rows if r.department_id})
            )
        )
    }
    return UserPage(
        rows=rows, next_after=rows[-1].id if more else None, departments=names, total=total
    )
