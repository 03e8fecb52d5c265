"""Cabinet credentials: shown once, stored encrypted, rotated, and usable by the gateway."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.cabinets.services import credentials as creds
from app.core.errors import DomainError, NotFoundError
from app.core.tenancy import TenantScope
from hardware.protocol.messages import build, decode, verify
from tests.factories import make_cabinet, make_tenant

ADMIN = Actor(account_id=None, name="admin")


def test_the_secret_is_encrypted_at_rest_and_tamper_evident() -> None:
    secret = b"\x01" * 32
    token = creds.encrypt_secret(secret, "k" * 40)
    assert token.startswith("v1:") and secret.hex() not in token
    assert creds.decrypt_secret(token, "k" * 40) == secret
    assert creds.encrypt_secret(secret, "k" * 40) != token  # a fresh nonce every time
    with pytest.raises(DomainError):
        creds.decrypt_secret(token, "another-secret-key-of-forty-characters!!")
    with pytest.raises(DomainError):
        creds.decrypt_secret(token[:-4] + "AAAA", "k" * 40)


def test_provisioning_shows_once_rotates_and_signs_messages(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    scope = TenantScope.single(tenant.id)
    first = creds.provision(session=session, scope=scope, cabinet_id=cabinet.id, actor=ADMIN)
    assert first.version == 1 and len(bytes.fromhex(first.secret_hex)) == 32
    stored = session.get(Cabinet, cabinet.id).secret_ciphertext
    assert first.secret_hex not in stored and first.mqtt_password not in stored

    found, secret = creds.cabinet_secret(session=session, cabinet_code=cabinet.code)
    assert found.id == cabinet.id and secret.hex() == first.secret_hex
    assert creds.mqtt_password(secret) == first.mqtt_password
    topic, message = build(
        secret=secret,
        tenant=tenant.code,
        cabinet=cabinet.code,
        boot="boot0001",
        seq=0,
        message_type="heartbeat",
        body={"uptime_s": 1, "door": "closed", "outbox": 0},
    )
    parsed, decoded = decode(topic, __import__("json").dumps(message).encode())
    verify(secret, parsed, decoded)

    second = creds.provision(session=session, scope=scope, cabinet_id=cabinet.id, actor=ADMIN)
    assert second.version == 2 and second.secret_hex != first.secret_hex
    entries = session.exec(select(AuditLog).where(AuditLog.action == "cabinet.credentials")).all()
    assert [e.after for e in entries] == [
        {"secret_version": 1, "rotated": False},
        {"secret_version": 2, "rotated": True},
    ]
    assert all(first.secret_hex not in str(e.after) for e in entries)

    with pytest.raises(NotFoundError):
        creds.provision(
            session=session,
            scope=TenantScope.single(other.id),
            cabinet_id=cabinet.id,
            actor=ADMIN,
        )
    assert creds.cabinet_secret(session=session, cabinet_code="CAB-NOPE") is None
