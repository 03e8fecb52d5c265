"""Identity rules shared by every caller: roles, sign-in with lockout, sessions."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.audit.services import audit
from app.auth.models import (
    Account,
    AuthSession,
    LoginAttempt,
    Permission,
    Role,
    RoleGrant,
    RolePermission,
)
from app.auth.services import tokens
from app.auth.services.catalogue import BUILTIN_ROLES, PERMISSIONS
from app.auth.services.ended import announce_ended
from app.auth.services.passwords import hash_secret, needs_rehash, verify_secret
from app.core.errors import PermissionDeniedError
from app.core.model_base import as_utc, pk
from app.sso.services.policy import sso_only_company


def ensure_permissions(*, session: Session) -> dict[str, Permission]:
    """Make the permission catalogue exist; returns it by code."""
    existing = {p.code: p for p in session.exec(select(Permission))}
    for code in PERMISSIONS:
        if code not in existing:
            existing[code] = Permission(code=code, module=code.split(":", 1)[0])
            session.add(existing[code])
    session.flush()
    return existing


def ensure_builtin_roles(*, session: Session) -> dict[str, Role]:
    """Make the built-in roles and their permissions exist (idempotent); returns them by code."""
    permissions = ensure_permissions(session=session)
    roles = {r.code: r for r in session.exec(select(Role).where(col(Role.tenant_id).is_(None)))}
    for spec in BUILTIN_ROLES:
        role = roles.get(spec.code)
        if role is None:
            role = roles[spec.code] = Role(code=spec.code, name=spec.name, is_builtin=True)
            session.add(role)
            session.flush()
        granted = set(
            session.exec(
                select(RolePermission.permission_id).where(RolePermission.role_id == role.id)
            )
        )
        for code in spec.permissions:
            if permissions[code].id not in granted:
                session.add(RolePermission(role_id=pk(role), permission_id=pk(permissions[code])))
    session.flush()
    return roles


# --- sign-in -------------------------------------------------------------------------------

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_IP = 20


@dataclass(frozen=True)
class SignedIn:
    account: Account
    session_id: str
    access_token: str
    refresh_token: str


class AttemptRefused(PermissionDeniedError):
    """A failed sign-in: its LoginAttempt row must be kept, or the lockout would never count."""

    keep_record = True


def _recent_failures(
    session: Session, column: Any, values: set[str], now: datetime
) -> tuple[int, datetime | None]:
    statement = select(func.count(), func.max(LoginAttempt.created_at)).where(
        column.in_(sorted(values)),
        col(LoginAttempt.succeeded).is_(False),
        LoginAttempt.created_at >= now - FAILURE_WINDOW,
    )
    count, last = session.exec(statement).one()
    return int(count), as_utc(last)


def _refuse_if_locked(session: Session, logins: set[str], ip: str, now: datetime) -> None:
    """Refuse while the account (all of `logins`) or the IP has too many recent failures."""
    for column, values, limit in (
        (LoginAttempt.login, logins, MAX_FAILURES_PER_LOGIN),
        (LoginAttempt.ip, {ip}, MAX_FAILURES_PER_IP),
    ):
        count, last = _recent_failures(session, column, values, now)
        if count >= limit and last is not None:
            remaining_s = (last + FAILURE_WINDOW - now).total_seconds()
            raise PermissionDeniedError("auth.locked", minutes=max(math.ceil(remaining_s / 60), 1))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash made by today's hash_secret (same argon2 parameters) that nobody can match."""
    return hash_secret(secrets.token_hex(16))


# Every name that signs an account in. Failures typed under any of them count against the
# account, so switching from username to phone gives an attacker no fresh guesses.
LOGIN_NAMES = ("username", "phone")


def find_account(*, session: Session, login: str) -> Account | None:
    """An account by any of its login names (username or phone)."""
    matches = or_(*(getattr(Account, name) == login for name in LOGIN_NAMES))
    return session.exec(select(Account).where(matches)).first()


def login_names(account: Account) -> set[str]:
    """The names `account` signs in with: the lockout counts failures under all of them."""
    return {value for name in LOGIN_NAMES if (value := getattr(account, name))}


def _password_matches(account: Account | None, password: str) -> bool:
    """One argon2 verification whoever asks: an unknown login, a disabled account or one
    without a password is checked against a dummy hash, so the answer takes the same time."""
    usable = account is not None and account.is_active and bool(account.password_hash)
    hashed = account.password_hash if account is not None and usable else _dummy_hash()
    matches = verify_secret(password or "", hashed)
    return usable and matches


def sign_in(
    *,
    session: Session,
    login: str,
    password: str,
    ip: str,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Check the password (with lockout per account and per IP) and open a session.

    The lockout counts an account's failures under every login name it has; an unknown login
    counts per typed name, as it would if an account had that name.
    """
    now = now or datetime.now(UTC)
    # PostgreSQL refuses a NUL in any text parameter; no login name holds one anyway.
    login = (login or "").strip().replace("\x00", "\ufffd")[:64]
    account = find_account(session=session, login=login) if login else None
    _refuse_if_locked(session, login_names(account) if account else {login}, ip, now)
    ok = _password_matches(account, password)  # True: an account, active, with a password
    if ok and account is not None and (company := sso_only_company(session, account)):
        _refuse_password_for_sso(session, account, company, ip)
    session.add(LoginAttempt(login=login, ip=ip, succeeded=ok, created_at=now))
    if not ok or account is None:
        audit.record(
            session=session,
            action="auth.login_failed",
            entity="account",
            entity_id=account.id if account else None,
            after={"login": login},
            ip=ip,
            tenant_id=_home_tenant(session, account) if account else None,
        )
        session.flush()
        raise AttemptRefused("auth.bad_credentials")
    if needs_rehash(account.password_hash):
        account.password_hash = hash_secret(password)
    return open_session(session, account, ip, user_agent, now)


def _refuse_password_for_sso(session: Session, account: Account, company: str, ip: str) -> None:
    """The right password of an admin whose company signs in only through its identity
    provider: refused (not counted as a failure, the password was right), audited."""
    audit.record(
        session=session,
        action="auth.sso_required",
        entity="account",
        entity_id=account.id,
        after={"company": company},
        ip=ip,
        tenant_id=_home_tenant(session, account),
    )
    session.flush()
    raise AttemptRefused("auth.sso_only", company=company)


def open_session(
    session: Session,
    account: Account,
    ip: str,
    user_agent: str | None,
    now: datetime,
    method: str = "password",
) -> SignedIn:
    """A new signed-in session for `account`, however it proved who it is (`method`)."""
    session_id = secrets.token_hex(16)
    refresh_token = tokens.issue(pk(account), session_id, "refresh", now)
    session.add(
        AuthSession(
            id=session_id,
            account_id=pk(account),
            refresh_hash=tokens.fingerprint(refresh_token),
            ip=ip,
            user_agent=(user_agent or "")[:255] or None,
            created_at=now,
            expires_at=now + tokens.REFRESH_TTL,
        )
    )
    account.last_login_at = now
    audit.record(
        session=session,
        action="auth.login",
        entity="account",
        entity_id=account.id,
        after={"method": method},
        actor_account_id=account.id,
        actor_name=account.display_name,
        ip=ip,
        tenant_id=_home_tenant(session, account),
    )
    session.flush()
    return SignedIn(
        account, session_id, tokens.issue(pk(account), session_id, "access", now), refresh_token
    )


def _home_tenant(session: Session, account: Account) -> int | None:
    grant = session.exec(
        select(RoleGrant.tenant_id).where(
            RoleGrant.account_id == account.id, col(RoleGrant.tenant_id).is_not(None)
        )
    ).first()
    return grant


def _live_session(session: Session, session_id: str, now: datetime) -> AuthSession | None:
    row = session.get(AuthSession, session_id)
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        return None
    return row


def refresh(
    *, session: Session, refresh_token: str, ip: str | None = None, now: datetime | None = None
) -> tuple[str, str] | None:
    """Rotate the refresh token and issue a new access token; None if the session is over.

    A refresh token of ours that was already rotated away is a replay: someone holds a copy
    (stolen, or the thief already used it). The whole session ends, for both holders, and the
    replay is audited.
    """
    now = now or datetime.now(UTC)
    claims = tokens.verify(refresh_token, "refresh")
    if claims is None:
        return None
    row = _live_session(session, claims.session_id, now)
    if row is None:
        return None
    if row.refresh_hash != tokens.fingerprint(refresh_token):
        _end_replayed_session(session, row, ip, now)
        return None
    new_refresh = tokens.issue(claims.account_id, row.id, "refresh", now)
    row.refresh_hash = tokens.fingerprint(new_refresh)
    row.expires_at = now + tokens.REFRESH_TTL
    session.flush()
    return tokens.issue(claims.account_id, row.id, "access", now), new_refresh


def _end_replayed_session(
    session: Session, row: AuthSession, ip: str | None, now: datetime
) -> None:
    _end_session(session, row, "auth.refresh_reused", ip=ip, now=now, by_owner=False)


def _end_session(
    session: Session,
    row: AuthSession,
    action: str,
    *,
    ip: str | None,
    now: datetime,
    by_owner: bool,
) -> None:
    """Revoke the row, close its tabs once committed, audit why (as its owner when they asked)."""
    row.revoked_at = now
    announce_ended(session, row.id)
    account = session.get(Account, row.account_id)
    audit.record(
        session=session,
        action=action,
        entity="account",
        entity_id=row.account_id,
        after=None if by_owner else {"session": row.id},
        actor_account_id=row.account_id if by_owner else None,
        actor_name=account.display_name if account and by_owner else None,
        ip=ip,
        tenant_id=_home_tenant(session, account) if account else None,
    )
    session.flush()


def sign_out(
    *, session: Session, session_id: str, ip: str | None = None, now: datetime | None = None
) -> None:
    """Revoke a session: its access and refresh tokens stop working everywhere."""
    row = session.get(AuthSession, session_id)
    if row is None or row.revoked_at is not None:
        return
    _end_session(session, row, "auth.logout", ip=ip, now=now or datetime.now(UTC), by_owner=True)
