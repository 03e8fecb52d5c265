"""A failed sign-in costs the same whether or not the login names an account (no enumeration).

Two proofs: the structural one counts the argon2 verifications each kind of failure makes (one,
against a hash with today's parameters); the measured one times the service call for a real
account's wrong password and for an unknown login, interleaved in back-to-back pairs so that
load from elsewhere on the machine falls on both alike, and compares the median of the pairs'
ratios (within 20 %) and, more loosely, the plain medians.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.auth.models import Account, AccountKind
from app.auth.services import passwords
from app.auth.services.auth import sign_in
from app.auth.services.passwords import hash_secret
from app.core.errors import PermissionDeniedError
from tests.factories import make_account

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAIRS = 40
TOLERANCE = 0.20  # within pairs: what an attacker averaging many tries could still tell apart
LOOSE_TOLERANCE = 0.40  # the plain medians, which a burst of load on one side can move


def _parameters(hashed: str) -> str:
    """'$argon2id$v=19$m=7168,t=5,p=1' of a hash: what decides the cost of verifying it."""
    return "$".join(hashed.split("$")[:4])


def _account(session: Session, username: str, **extra) -> Account:
    return make_account(
        session,
        username,
        kind=AccountKind.tenant.value,
        password_hash=hash_secret("right-password1"),
        **extra,
    )


def _refused(session: Session, login: str, now: datetime, ip: str = "10.1.0.1") -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        sign_in(session=session, login=login, password="wrong-password1", ip=ip, now=now)
    assert caught.value.key == "auth.bad_credentials"


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parameters of every hash argon2 verifies from now on."""
    seen: list[str] = []
    real_verify = passwords._context.verify

    def counting(secret: str, hashed: str, **kwargs) -> bool:
        seen.append(_parameters(hashed))
        return real_verify(secret, hashed, **kwargs)

    monkeypatch.setattr(passwords._context, "verify", counting)
    return seen


def test_every_failed_sign_in_verifies_one_hash_with_todays_parameters(
    session: Session, verifications: list[str]
) -> None:
    _account(session, "known")
    _account(session, "disabled", is_active=False)
    _account(session, "no_password").password_hash = None
    session.flush()
    todays = _parameters(hash_secret("anything1"))
    for login in ("known", "nobody", "disabled", "no_password", "13900009999"):
        verifications.clear()
        _refused(session, login, NOW)
        assert verifications == [todays], login


def _timed(call: Callable[[], None]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def test_a_wrong_password_and_an_unknown_login_take_the_same_time(session: Session) -> None:
    _account(session, "known")
    known: list[float] = []
    unknown: list[float] = []
    for n in range(PAIRS + 3):
        # 20 minutes apart: earlier failures are out of the lockout window, never locked.
        now = NOW + timedelta(minutes=20 * n)
        pair = [
            (known, lambda now=now: _refused(session, "known", now)),
            (unknown, lambda now=now: _refused(session, "nobody", now)),
        ]
        for samples, call in pair if n % 2 else reversed(pair):
            elapsed = _timed(call)
            if n >= 3:  # the first rounds warm caches (and make the dummy hash)
                samples.append(elapsed)
    # Each pair ran back to back, under the same load: compare within pairs, then take the median.
    ratio = statistics.median(u / k for k, u in zip(known, unknown, strict=True))
    known_ms, unknown_ms = statistics.median(known) * 1e3, statistics.median(unknown) * 1e3
    assert abs(ratio - 1) <= TOLERANCE, (
        f"unknown login / wrong password: {ratio:.2f} within pairs; medians "
        f"{unknown_ms:.1f} ms / {known_ms:.1f} ms"
    )
    assert abs(unknown_ms - known_ms) <= LOOSE_TOLERANCE * known_ms
