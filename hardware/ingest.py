"""What the gateway does with each received message, in one unit of work (docs/protocol.md § 10):

decode and schema-validate → known cabinet, topic of its own tenant → signature → ±300 s window
and nonce → store once (cabinet + message id unique; a duplicate changes nothing) → detect a gap
in (boot, seq) and raise one alert per gap root cause. A refusal is counted by reason and logged
with the cabinet code, never with the payload; nothing here raises on bad device input.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.alerts.models import Alert, AlertStatus
from app.cabinets.credentials import cabinet_secret
from app.cabinets.models import Cabinet, DeviceMessage
from app.core.errors import DomainError
from app.tenants.models import Tenant
from hardware.protocol.messages import (
    CHANNEL_OF_TYPE,
    NonceGuard,
    ProtocolError,
    Topic,
    decode,
    verify,
)

logger = logging.getLogger(__name__)
REDACTED_FIELDS = {"auth.pin": ("pin",)}  # never stored: a PIN in clear
UNSEQUENCED = frozenset(t for t, channel in CHANNEL_OF_TYPE.items() if channel == "telemetry")


@dataclass(frozen=True)
class Ingested:
    status: str  # accepted | duplicate | rejected
    code: str | None = None  # the refusal's error code
    message_row_id: int | None = None  # the stored device_message, for the job that handles it
    gap: bool = False


def ingest(
    *,
    session: Session,
    topic: str,
    payload: bytes,
    guard: NonceGuard,
    now_ms: int,
    rejections: Counter[str],
) -> Ingested:
    try:
        parsed, message = decode(topic, payload)
        cabinet, secret = _cabinet_of(session, parsed)
        verify(secret, parsed, message)
        guard.check(message, now_ms)
    except ProtocolError as refused:
        rejections[refused.code] += 1
        logger.warning("refused %s from %s: %s", refused.code, _cabinet_code(topic), refused.detail)
        return Ingested("rejected", refused.code)
    return _store(session, cabinet, message)


def _cabinet_code(topic: str) -> str:
    parts = topic.split("/")
    return parts[3][:32] if len(parts) > 3 else "?"


def _cabinet_of(session: Session, topic: Topic) -> tuple[Cabinet, bytes]:
    try:
        found = cabinet_secret(session=session, cabinet_code=topic.cabinet)
    except DomainError:
        found = None
    if found is None:
        raise ProtocolError("unknown_cabinet", topic.cabinet)
    cabinet, secret = found
    tenant = session.get(Tenant, cabinet.tenant_id)
    if tenant is None or tenant.code != topic.tenant:
        raise ProtocolError("wrong_topic", f"{topic.cabinet} is not a cabinet of {topic.tenant}")
    return cabinet, secret


def _stored_payload(message: dict[str, Any]) -> dict[str, Any]:
    body = dict(message["body"])
    for field in REDACTED_FIELDS.get(message["type"], ()):
        if field in body:
            body[field] = "******"
    return {k: v for k, v in message.items() if k not in ("body", "sig")} | {"body": body}


def _store(session: Session, cabinet: Cabinet, message: dict[str, Any]) -> Ingested:
    existing = session.exec(
        select(DeviceMessage.id).where(
            DeviceMessage.cabinet_id == cabinet.id, DeviceMessage.message_id == message["id"]
        )
    ).first()
    if existing is not None:
        return Ingested("duplicate", message_row_id=existing)
    row = DeviceMessage(
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        message_id=message["id"],
        boot_id=message["boot"],
        seq=message["seq"],
        type=message["type"],
        device_ts=datetime.fromtimestamp(message["ts"] / 1000, UTC),
        payload=_stored_payload(message),
    )
    try:
        with session.begin_nested():  # another gateway may store the same message at once
            session.add(row)
            session.flush()
    except IntegrityError:
        return Ingested("duplicate")
    gap = message["type"] not in UNSEQUENCED and _follow_sequence(
        session, cabinet, message["boot"], message["seq"]
    )
    return Ingested("accepted", message_row_id=row.id, gap=gap)


def _follow_sequence(session: Session, cabinet: Cabinet, boot: str, seq: int) -> bool:
    """Track (boot, seq) of buffered messages; a jump forward within a boot, or a new boot not
    starting at 0, is a gap: messages were lost (or are still to come out of order)."""
    if cabinet.boot_id == boot:
        expected = cabinet.last_seq + 1
        gap = seq > expected
        cabinet.last_seq = max(cabinet.last_seq, seq)
    else:
        expected = 0
        gap = seq > 0
        cabinet.boot_id, cabinet.last_seq = boot, seq
    session.flush()
    if gap:
        _raise_gap_alert(session, cabinet, boot, expected, seq)
    return gap


def _raise_gap_alert(
    session: Session, cabinet: Cabinet, boot: str, expected: int, seq: int
) -> None:
    root_key = f"seq_gap:{cabinet.id}:{boot}"
    alert = session.exec(
        select(Alert).where(
            Alert.tenant_id == cabinet.tenant_id,
            Alert.root_key == root_key,
            Alert.status != AlertStatus.resolved.value,
        )
    ).first()
    if alert is not None:
        alert.occurrences += 1
    else:
        session.add(
            Alert(
                tenant_id=cabinet.tenant_id,
                cabinet_id=cabinet.id,
                kind="seq_gap",
                root_key=root_key,
                message_key="alert.seq_gap",
                params={"cabinet": cabinet.code, "boot": boot, "expected": expected, "seq": seq},
            )
        )
    session.flush()
    logger.warning("sequence gap on %s boot %s before seq %s", cabinet.code, boot, seq)
