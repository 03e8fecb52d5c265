"""Sign-in: argon2 passwords, lockout per account and per IP, rotating refresh, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from jose import jwt
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.auth.models import Account, AccountKind, AuthSession
from app.auth.services import tokens
from app.auth.services.auth import (
    MAX_FAILURES_PER_IP,
    MAX_FAILURES_PER_LOGIN,
    refresh,
    sign_in,
    sign_out,
)
from app.auth.services.passwords import hash_secret
from app.core.errors import PermissionDeniedError
from tests.factories import make_account

NOW = datetime.now(UTC).replace(microsecond=0)  # tokens are checked against the clock


@pytest.fixture
def account(session: Session) -> Account:
    return make_account(
        session,
        "zhangwei",
        phone="13900001111",
        display_name="张伟",
        kind=AccountKind.tenant.value,
        password_hash=hash_secret("right-password"),
    )


def _fail(session: Session, login: str, ip: str, key: str = "auth.bad_credentials") -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        sign_in(session=session, login=login, password="wrong", ip=ip, now=NOW)
    assert caught.value.key == key


def test_sign_in_by_username_or_phone_opens_a_session(session: Session, account: Account) -> None:
    for login in ("zhangwei", "13900001111"):
        # Access tokens live 15 minutes by the real clock: NOW (import time) may be older
        # than that by the time a long test run gets here.
        now = datetime.now(UTC)
        signed = sign_in(
            session=session, login=login, password="right-password", ip="10.0.0.1", now=now
        )
        claims = tokens.verify(signed.access_token, "access")
        assert (
            claims is not None
            and claims.account_id == account.id
            and claims.session_id == signed.session_id
        )
        assert tokens.verify(signed.access_token, "refresh") is None  # types do not mix
    actions = session.exec(select(AuditLog.action)).all()
    assert actions.count("auth.login") == 2


def test_wrong_password_and_unknown_login_look_the_same(session: Session, account: Account) -> None:
    _fail(session, "zhangwei", "10.0.0.1")
    _fail(session, "nobody", "10.0.0.1")
    failed = session.exec(select(AuditLog).where(AuditLog.action == "auth.login_failed")).all()
    assert len(failed) == 2


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(
    session: Session, account: Account
) -> None:
    for _ in range(MAX_FAILURES_PER_LOGIN):
        _fail(session, "zhangwei", "10.0.0.2")
    with pytest.raises(PermissionDeniedError) as caught:
        sign_in(
            session=session, login="zhangwei", password="right-password", ip="10.0.0.3", now=NOW
        )
    assert caught.value.key == "auth.locked" and caught.value.params["minutes"] == 15
    later = NOW + timedelta(minutes=16)
    assert sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.0.3", now=later
    )


def test_the_lockout_counts_every_login_name_of_the_account(
    session: Session, account: Account
) -> None:
    """Failures typed as the username and as the phone add up: one account, one budget."""
    for n in range(MAX_FAILURES_PER_LOGIN):
        _fail(session, ("zhangwei", "13900001111")[n % 2], f"10.0.1.{n}")
    for login in ("13900001111", "zhangwei"):
        with pytest.raises(PermissionDeniedError) as caught:
            sign_in(session=session, login=login, password="right-password", ip="10.0.2.1", now=NOW)
        assert caught.value.key == "auth.locked"


def test_a_locked_username_does_not_leave_the_phone_open(
    session: Session, account: Account
) -> None:
    for _ in range(MAX_FAILURES_PER_LOGIN):
        _fail(session, "zhangwei", "10.0.3.1")
    _fail(session, "13900001111", "10.0.3.2", key="auth.locked")


def test_unknown_logins_are_still_locked_per_typed_login(
    session: Session, account: Account
) -> None:
    for n in range(MAX_FAILURES_PER_LOGIN):
        _fail(session, "ghost", f"10.0.4.{n}")
    _fail(session, "ghost", "10.0.4.99", key="auth.locked")
    _fail(session, "ghost2", "10.0.4.99")  # another unknown name is its own count
    assert sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.4.98", now=NOW
    )


def test_one_ip_guessing_many_accounts_is_locked(session: Session, account: Account) -> None:
    for n in range(MAX_FAILURES_PER_IP):
        _fail(session, f"user{n}", "10.9.9.9")
    _fail(session, "zhangwei", "10.9.9.9", key="auth.locked")


def test_refresh_rotates_each_time_even_within_one_second(
    session: Session, account: Account
) -> None:
    signed = sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.0.1", now=NOW
    )
    first = refresh(session=session, refresh_token=signed.refresh_token, now=NOW)
    assert first is not None and first[1] != signed.refresh_token
    second = refresh(session=session, refresh_token=first[1], now=NOW)
    assert second is not None and second[1] != first[1]


def test_a_replayed_refresh_token_ends_the_whole_session_and_is_audited(
    session: Session, account: Account
) -> None:
    signed = sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.0.1", now=NOW
    )
    other = sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.0.9", now=NOW
    )
    rotated = refresh(
        session=session, refresh_token=signed.refresh_token, now=NOW + timedelta(minutes=20)
    )
    assert rotated is not None
    stolen_copy_replayed = refresh(
        session=session,
        refresh_token=signed.refresh_token,
        ip="203.0.113.7",
        now=NOW + timedelta(minutes=21),
    )
    assert stolen_copy_replayed is None
    # The holder of the newest token is cut off too: nobody knows which holder is the thief.
    assert (
        refresh(session=session, refresh_token=rotated[1], now=NOW + timedelta(minutes=22)) is None
    )
    row = session.get(AuthSession, signed.session_id)
    assert row is not None and row.revoked_at is not None
    (reused,) = session.exec(select(AuditLog).where(AuditLog.action == "auth.refresh_reused")).all()
    assert (reused.entity_id, reused.after, reused.ip) == (
        str(account.id),
        {"session": signed.session_id},
        "203.0.113.7",
    )
    # Only that session's family ends: the same person's other browser stays signed in.
    assert refresh(session=session, refresh_token=other.refresh_token, now=NOW) is not None


def test_sign_out_revokes_the_session(session: Session, account: Account) -> None:
    signed = sign_in(
        session=session, login="zhangwei", password="right-password", ip="10.0.0.1", now=NOW
    )
    sign_out(session=session, session_id=signed.session_id, now=NOW)
    assert refresh(session=session, refresh_token=signed.refresh_token, now=NOW) is None


def test_forged_tokens_are_refused() -> None:
    good = tokens.issue(1, "abc", "access")
    claims = jwt.get_unverified_claims(good)
    assert tokens.verify(jwt.encode(claims, "not-our-secret", algorithm="HS256"), "access") is None
    header_none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"
    body = good.split(".")[1]
    assert tokens.verify(f"{header_none}.{body}.", "access") is None
    expired = tokens.issue(1, "abc", "access", now=datetime.now(UTC) - timedelta(hours=1))
    assert tokens.verify(expired, "access") is None
    assert tokens.verify({"sub": 1}, "access") is None  # type: ignore[arg-type]


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(session: Session) -> None:
    from passlib.hash import argon2

    from app.auth.models import AccountKind
    from app.auth.services.auth import sign_in
    from app.auth.services.passwords import ARGON2_MEMORY_KIB, needs_rehash

    old = argon2.using(type="ID", time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(
        "Pw123456"
    )
    account = make_account(
        session, "old_hash", display_name="旧", password_hash=old, kind=AccountKind.platform.value
    )
    assert needs_rehash(old)
    sign_in(session=session, login="old_hash", password="Pw123456", ip="10.9.9.9")
    assert f"m={ARGON2_MEMORY_KIB}" in account.password_hash
    assert not needs_rehash(account.password_hash)
    sign_in(session=session, login="old_hash", password="Pw123456", ip="10.9.9.9")


def test_a_login_or_password_with_a_nul_is_a_plain_refusal(
    session: Session, account: Account
) -> None:
    """PostgreSQL refuses NUL in any text parameter: the sign-in must not crash on one."""
    _fail(session, "zhang\x00wei", "10.0.5.1")
    with pytest.raises(PermissionDeniedError) as caught:
        sign_in(session=session, login="zhangwei", password="right\x00", ip="10.0.5.1", now=NOW)
    assert caught.value.key == "auth.bad_credentials"
