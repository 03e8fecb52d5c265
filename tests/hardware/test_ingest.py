"""The gateway's per-message pipeline on a real database: accept once, refuse by reason, alert
on sequence gaps, never store a PIN, never raise on device garbage."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.cabinets.credentials import provision
from app.cabinets.models import DeviceMessage
from app.core.records import Actor
from app.core.tenancy import TenantScope
from hardware.ingest import ingest
from hardware.protocol.messages import NonceGuard, build
from tests.factories import make_cabinet, make_tenant

HEARTBEAT = {"uptime_s": 5, "door": "closed", "outbox": 0}
ALARM = {"kind": "tamper", "at": 1_764_201_600_000}


@pytest.fixture
def cabinet(session: Session):
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    creds = provision(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cabinet.id,
        actor=Actor(account_id=None, name="test"),
    )
    return tenant, cabinet, bytes.fromhex(creds.secret_hex)


class Pipe:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.guard = NonceGuard()
        self.rejections: Counter[str] = Counter()

    def send(self, topic: str, message: dict | bytes, now_ms: int | None = None):
        payload = message if isinstance(message, bytes) else json.dumps(message).encode()
        now = (
            now_ms
            if now_ms is not None
            else (message["ts"] if isinstance(message, dict) else 1_764_201_600_000)
        )
        return ingest(
            session=self.session,
            topic=topic,
            payload=payload,
            guard=self.guard,
            now_ms=now,
            rejections=self.rejections,
        )


def _msg(tenant, cabinet, secret, seq, kind="alarm", body=None, boot="boot0001", **kw):
    return build(
        secret=secret,
        tenant=tenant.code,
        cabinet=cabinet.code,
        boot=boot,
        seq=seq,
        message_type=kind,
        body=body or (ALARM if kind == "alarm" else HEARTBEAT),
        **kw,
    )


def test_a_message_is_stored_once_and_a_resend_changes_nothing(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, first = _msg(tenant, cab, secret, 0)
    assert pipe.send(topic, first).status == "accepted"
    topic, resend = _msg(tenant, cab, secret, 0, message_id=first["id"], ts=first["ts"] + 1000)
    assert pipe.send(topic, resend).status == "duplicate"
    rows = session.exec(select(DeviceMessage).where(DeviceMessage.cabinet_id == cab.id)).all()
    assert len(rows) == 1 and rows[0].payload["body"] == ALARM and "sig" not in rows[0].payload


def test_every_misbehaviour_is_refused_and_counted_by_reason(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, good = _msg(tenant, cab, secret, 0)
    _, forged = _msg(tenant, cab, b"not-the-cabinets-secret", 1)
    wrong_tenant = topic.replace(f"/{tenant.code}/", "/TN-OTHER/")
    cases = [
        (topic, b"{", "bad_json"),
        (topic, os.urandom(64), "bad_json"),
        (topic, {**good, "body": {"kind": "tamper"}}, "schema"),
        (topic, forged, "bad_signature"),
        (wrong_tenant, good, "wrong_topic"),
        (topic.replace(cab.code, "CAB-UNKNOWN"), {**good, "cab": "CAB-UNKNOWN"}, "unknown_cabinet"),
    ]
    for t, payload, code in cases:
        result = pipe.send(t, payload, now_ms=good["ts"])
        assert (result.status, result.code) == ("rejected", code), code
    assert pipe.send(topic, good, now_ms=good["ts"] + 301_000).code == "stale_timestamp"
    assert pipe.send(topic, good).status == "accepted"
    assert pipe.send(topic, good).code == "replayed_nonce"
    assert pipe.rejections == Counter(
        bad_json=2,
        schema=1,
        bad_signature=1,
        wrong_topic=1,
        unknown_cabinet=1,
        stale_timestamp=1,
        replayed_nonce=1,
    )
    assert session.exec(select(DeviceMessage)).all().__len__() == 1


def test_a_gap_in_the_sequence_raises_one_alert_per_root_cause(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    for seq in (0, 1, 2):
        assert not pipe.send(*_msg(tenant, cab, secret, seq)).gap
    assert not pipe.send(*_msg(tenant, cab, secret, 9, kind="heartbeat")).gap  # unsequenced
    assert pipe.send(*_msg(tenant, cab, secret, 5)).gap  # 3 and 4 missing
    assert not pipe.send(*_msg(tenant, cab, secret, 3)).gap  # late, out of order: fine
    assert pipe.send(*_msg(tenant, cab, secret, 8)).gap  # 6 and 7 missing
    alerts = session.exec(select(Alert).where(Alert.cabinet_id == cab.id)).all()
    assert len(alerts) == 1 and alerts[0].occurrences == 2 and alerts[0].kind == "seq_gap"
    assert not pipe.send(*_msg(tenant, cab, secret, 0, boot="boot0002")).gap  # a new boot


def test_a_pin_is_never_stored(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    body = {"pin": "482915", "at": 1_764_201_600_000}
    assert pipe.send(*_msg(tenant, cab, secret, 0, kind="auth.pin", body=body)).status == (
        "accepted"
    )
    row = session.exec(select(DeviceMessage).where(DeviceMessage.type == "auth.pin")).one()
    assert "482915" not in json.dumps(row.payload)
