"""API keys' life: shown once and kept hashed, checked in constant time, refused once revoked
or expired, last use noted (at most once a minute), audited without the secret."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.apikeys.models import ApiKey
from app.apikeys.queries import list_keys
from app.apikeys.service import KeyRefused, authenticate, create_key, revoke_key
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from tests.factories import make_tenant

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="admin")


def _create(session: Session, tenant_id: int, **kw) -> tuple[ApiKey, str]:
    return create_key(
        session=session, scope=TenantScope.single(tenant_id), tenant_id=tenant_id,
        name=kw.get("name", "ERP"), scopes=kw.get("scopes", ["items:read"]),
        expires_at=kw.get("expires_at"), actor=ADMIN, now=NOW,
    )  # fmt: skip


def test_a_key_is_shown_once_and_kept_only_as_its_hash(session: Session) -> None:
    tenant = make_tenant(session)
    key, plaintext = _create(session, tenant.id)
    assert plaintext.startswith(f"cck_{key.prefix}_") and len(plaintext) > 40
    row = session.get(ApiKey, key.id)
    assert row.secret_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    stored = " ".join(str(v) for v in row.model_dump().values())
    assert plaintext.split("_", 2)[2] not in stored
    [entry] = session.exec(select(AuditLog).where(AuditLog.entity == "api_key")).all()
    assert entry.action == "api_key.create"
    logged = f"{entry.before} {entry.after}"
    assert plaintext not in logged and row.secret_hash not in logged and key.prefix in logged
    assert [r.prefix for r in list_keys(session=session, scope=TenantScope.single(tenant.id))] == [
        key.prefix
    ]


def test_the_live_key_authenticates_and_notes_its_last_use(session: Session) -> None:
    tenant = make_tenant(session)
    key, plaintext = _create(session, tenant.id)
    assert authenticate(session=session, presented=plaintext, now=NOW).id == key.id
    assert key.last_used_at == NOW
    authenticate(session=session, presented=plaintext, now=NOW + timedelta(seconds=30))
    assert key.last_used_at == NOW  # not a write per call
    authenticate(session=session, presented=plaintext, now=NOW + timedelta(minutes=2))
    assert key.last_used_at == NOW + timedelta(minutes=2)


@pytest.mark.dialects("sqlite")
@pytest.mark.parametrize(
    "presented",
    ["", "Bearer x", "cck_", "cck_deadbeef_", "cck_deadbeef_wrong", "xyz_a_b", "cck_" + "a" * 300],
)
def test_anything_but_a_real_key_is_refused(session: Session, presented: str) -> None:
    _create(session, make_tenant(session).id)
    with pytest.raises(KeyRefused):
        authenticate(session=session, presented=presented, now=NOW)


def test_a_tampered_secret_with_a_real_prefix_is_refused(session: Session) -> None:
    _, plaintext = _create(session, make_tenant(session).id)
    with pytest.raises(KeyRefused):
        authenticate(session=session, presented=plaintext[:-1] + "!", now=NOW)


def test_an_expired_or_revoked_key_is_refused(session: Session) -> None:
    tenant = make_tenant(session)
    _, expiring = _create(session, tenant.id, expires_at=NOW + timedelta(days=1))
    authenticate(session=session, presented=expiring, now=NOW)
    with pytest.raises(KeyRefused):
        authenticate(session=session, presented=expiring, now=NOW + timedelta(days=1))
    key, revoked = _create(session, tenant.id)
    revoke_key(session=session, scope=TenantScope.single(tenant.id), key_id=key.id, actor=ADMIN)
    with pytest.raises(KeyRefused):
        authenticate(session=session, presented=revoked, now=NOW)
    with pytest.raises(ValidationError):
        revoke_key(session=session, scope=TenantScope.single(tenant.id), key_id=key.id, actor=ADMIN)
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "api_key")).all()
    assert sorted(actions) == ["api_key.create", "api_key.create", "api_key.revoke"]
    states = {r.prefix: r.state(NOW + timedelta(days=2)) for r in list_keys(
        session=session, scope=TenantScope.single(tenant.id))}  # fmt: skip
    assert sorted(states.values()) == ["expired", "revoked"]


def test_a_suspended_tenants_key_is_refused(session: Session) -> None:
    tenant = make_tenant(session)
    _, plaintext = _create(session, tenant.id)
    tenant.status = "suspended"
    session.flush()
    with pytest.raises(KeyRefused) as refused:
        authenticate(session=session, presented=plaintext, now=NOW)
    assert refused.value.key == "apikeys.tenant_suspended"


def test_another_tenant_may_neither_create_nor_revoke(session: Session) -> None:
    a, b = make_tenant(session), make_tenant(session)
    key, _ = _create(session, a.id)
    with pytest.raises(PermissionDeniedError):
        create_key(
            session=session, scope=TenantScope.single(b.id), tenant_id=a.id, name="x",
            scopes=["items:read"], expires_at=None, actor=ADMIN, now=NOW,
        )  # fmt: skip
    with pytest.raises(NotFoundError):
        revoke_key(session=session, scope=TenantScope.single(b.id), key_id=key.id, actor=ADMIN)
    assert list_keys(session=session, scope=TenantScope.single(b.id)) == []


@pytest.mark.dialects("sqlite")
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["items:delete"]}, "scopes"),
        ({"expires_at": NOW - timedelta(seconds=1)}, "expires_at"),
    ],
)
def test_a_key_needs_a_name_known_scopes_and_a_future_expiry(session, changes, field) -> None:
    with pytest.raises(ValidationError) as refused:
        _create(session, make_tenant(session).id, **changes)
    assert refused.value.params["field"] == field
