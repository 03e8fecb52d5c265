"""What the gateway does with the messages it received together, in one unit of work
(docs/protocol.md § 10). Each message goes through, in this order:

decode and schema-validate → known cabinet, topic of its own tenant → signature → ±300 s window
and nonce → store once (cabinet + message id unique; a duplicate changes nothing) → detect a gap
in (boot, seq) and raise one alert per gap root cause. A refusal is counted by reason and logged
with the cabinet code, never with the payload; nothing here raises on bad device input.

The database work is per batch, not per message: one query for the cabinets' keys, one lock on
their sequence state, one multi-row INSERT ... ON CONFLICT DO NOTHING, one UPDATE of the
sequences that moved.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, text, update
from sqlalchemy.dialects import sqlite
from sqlmodel import Session, col, select

from app.alerts.models import Alert, AlertStatus
from app.cabinets.models import Cabinet, DeviceMessage, MessageStatus
from app.cabinets.services.credentials import CabinetKey, cabinet_keys, seal
from app.core import logs
from app.metrics import observe
from hardware.answers import Readable, key_of, respond
from hardware.protocol.messages import (
    CHANNEL_OF_TYPE,
    NonceGuard,
    ProtocolError,
    Topic,
    decode,
    verify,
)

logger = logging.getLogger(__name__)
# Never stored in clear: a PIN is sealed (AES-GCM, the app's key) for the job that checks it,
# which then blanks it (app/withdrawals/services/keypad.py).
SEALED_FIELDS = {"auth.pin": ("pin",)}
UNSEQUENCED = frozenset(t for t, channel in CHANNEL_OF_TYPE.items() if channel == "telemetry")
BUFFERED = frozenset(CHANNEL_OF_TYPE) - UNSEQUENCED
# refused for good: the cabinet moves them to its refused log and never sends them again
FINAL_REFUSALS = frozenset(("bad_json", "schema", "bad_signature"))
UNSTORABLE = "unstorable"  # a message the database refuses (docs/protocol.md § 10)
# set by SQLModel's metaclass, unknown to its types
MESSAGES: Table = DeviceMessage.__table__  # type: ignore[attr-defined]
CABINETS: Table = Cabinet.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Ingested:
    status: str  # accepted | duplicate | rejected
    code: str | None = None  # the refusal's error code
    message_row_id: int | None = None  # the stored device_message, for the job that handles it
    gap: bool = False
    reply: tuple[str, bytes] | None = None  # v1.1: the msg.ack to publish once committed


@dataclass(frozen=True)
class _Verified:
    index: int  # position in the batch
    key: CabinetKey
    message: dict[str, Any]

    @property
    def identity(self) -> tuple[int, str]:
        return self.key.cabinet_id, self.message["id"]


@dataclass(frozen=True)
class _Hole:
    index: int  # position in the batch
    cabinet_id: int
    boot: str
    seq: int


@dataclass
class _Sequence:
    boot_id: str | None
    last_seq: int
    moved: bool = False


@dataclass
class _Gap:
    """The first gap of a root cause in a batch, and how often it occurred in the batch."""

    root_key: str
    key: CabinetKey
    boot: str
    expected: int
    seq: int
    occurrences: int = 0

    def alert(self) -> Alert:
        return Alert(
            tenant_id=self.key.tenant_id,
            cabinet_id=self.key.cabinet_id,
            kind="seq_gap",
            root_key=self.root_key,
            message_key="alert.seq_gap",
            occurrences=self.occurrences,
            params={
                "cabinet": self.key.cabinet_code,
                "boot": self.boot,
                "expected": self.expected,
                "seq": self.seq,
            },
        )


def ingest(
    *,
    session: Session,
    topic: str,
    payload: bytes,
    guard: NonceGuard,
    now_ms: int,
    rejections: Counter[str],
) -> Ingested:
    """One message (see ingest_batch)."""
    return ingest_batch(
        session=session,
        messages=[(topic, payload)],
        guard=guard,
        now_ms=now_ms,
        rejections=rejections,
    )[0]


def ingest_batch(
    *,
    session: Session,
    messages: list[tuple[str, bytes]],
    guard: NonceGuard,
    now_ms: int,
    rejections: Counter[str],
    admitted: list[dict[str, Any]] | None = None,
) -> list[Ingested]:
    """Each (topic, payload) judged on its own, in order; the results in the same order.

    `admitted`, if given, receives the messages whose nonce the guard took: if the unit of work
    fails, the caller gives those nonces back so that a retry of the same copies can pass."""
    results: list[Ingested | None] = [None] * len(messages)
    details: dict[int, str] = {}
    decoded: list[tuple[int, Topic, dict[str, Any]]] = []
    for index, (topic, payload) in enumerate(messages):
        try:
            parsed, message = decode(topic, payload)
        except ProtocolError as refused:
            results[index], details[index] = _refused(refused, topic, rejections), refused.detail
            continue
        decoded.append((index, parsed, message))
    keys = cabinet_keys(session=session, cabinet_codes=_cabinets_named(messages))
    verified: list[_Verified] = []
    for index, parsed, message in decoded:
        try:
            key = _key_for(keys, parsed)
            verify(key.secret, parsed, message)
            guard.check(message, now_ms)
        except ProtocolError as refused:
            results[index] = _refused(refused, str(parsed), rejections)
            details[index] = refused.detail
            continue
        if admitted is not None:
            admitted.append(message)
        verified.append(_Verified(index, key, message))
    holes = _holes(messages, results, keys)
    for item, result in zip(verified, _store(session, verified, holes), strict=True):
        results[item.index] = result
    judged = [r for r in results if r is not None]
    messages_of = {index: message for index, _, message in decoded}
    observe.count_ingested(
        session,
        (
            (m["type"] if (m := messages_of.get(i)) else None, r.status, r.code)
            for i, r in enumerate(judged)
        ),
    )
    replies = respond(
        session,
        messages,
        [(r.status, r.code, details.get(i), messages_of.get(i)) for i, r in enumerate(judged)],
        keys,
        now_ms,
    )
    return [
        replace(r, reply=reply) if reply else r for r, reply in zip(judged, replies, strict=True)
    ]


def refuse_unstorable(
    *, session: Session, topic: str, payload: bytes, detail: str, now_ms: int
) -> Ingested:
    """A message the database refused outright (stored alone, it still failed): counted on
    its cabinet and, for a v1.1 cabinet, answered, so that it leaves the cabinet's outbox."""
    keys = cabinet_keys(session=session, cabinet_codes=_cabinets_named([(topic, payload)]))
    judged: list[tuple[str, str | None, str | None, dict[str, Any] | None]] = [
        ("rejected", UNSTORABLE, detail, None)
    ]
    reply = respond(session, [(topic, payload)], judged, keys, now_ms)[0]
    return Ingested("rejected", UNSTORABLE, reply=reply)


def _holes(
    messages: list[tuple[str, bytes]],
    results: list[Ingested | None],
    keys: Mapping[str, CabinetKey],
) -> list[_Hole]:
    """The buffered messages refused for good whose (boot, seq) can be read: the cabinet will
    not send them again, so their seq is no gap (docs/protocol.md § 8)."""
    holes = []
    for index, result in enumerate(results):
        if result is None or result.code not in FINAL_REFUSALS:
            continue
        topic, payload = messages[index]
        readable = Readable.of(payload)
        key = key_of(keys, topic)
        if key and readable.type in BUFFERED and readable.boot and readable.seq is not None:
            holes.append(_Hole(index, key.cabinet_id, readable.boot, readable.seq))
    return holes


def _cabinets_named(messages: list[tuple[str, bytes]]) -> set[str]:
    """The cabinet code of every well-formed topic (also of messages refused already: a v1.1
    cabinet is told about those too, and the console counts them)."""
    parts = (topic.split("/") for topic, _ in messages)
    return {p[3] for p in parts if len(p) == 5 and p[:2] == ["cc", "v1"] and p[3]}


def _refused(refused: ProtocolError, topic: str, rejections: Counter[str]) -> Ingested:
    rejections[refused.code] += 1
    logger.warning("refused %s from %s: %s", refused.code, cabinet_of(topic), refused.detail)
    return Ingested("rejected", refused.code)


def cabinet_of(topic: str) -> str:
    """The cabinet code in a topic, short enough to log."""
    parts = topic.split("/")
    return parts[3][:32] if len(parts) > 3 else "?"


def _key_for(keys: Mapping[str, CabinetKey], topic: Topic) -> CabinetKey:
    key = keys.get(topic.cabinet)
    if key is None:
        raise ProtocolError("unknown_cabinet", topic.cabinet)
    if key.tenant_code != topic.tenant:
        raise ProtocolError("wrong_topic", f"{topic.cabinet} is not a cabinet of {topic.tenant}")
    return key


def _stored_payload(message: dict[str, Any]) -> dict[str, Any]:
    body = message["body"]
    sealed = SEALED_FIELDS.get(message["type"], ())
    if any(field in body for field in sealed):
        body = {k: (seal(v) if k in sealed else v) for k, v in body.items()}
    return {k: v for k, v in message.items() if k not in ("body", "sig")} | {"body": body}


def _store(session: Session, verified: list[_Verified], holes: list[_Hole]) -> list[Ingested]:
    """Store the verified messages once and follow their sequences, in batch order (a message
    already stored, or seen earlier in this batch, is a duplicate and changes nothing); a hole
    (a refused message's seq) next in its sequence moves the sequence on."""
    if not verified and not holes:
        return []
    firsts: dict[tuple[int, str], _Verified] = {}
    for item in verified:
        firsts.setdefault(item.identity, item)
    sequences = _lock_sequences(
        session,
        {i.key.cabinet_id for i in firsts.values() if i.message["type"] not in UNSEQUENCED}
        | {hole.cabinet_id for hole in holes},
    )
    pending = sorted(holes, key=lambda hole: hole.index)
    stored = _insert_new(session, list(firsts.values())) if firsts else {}
    results = []
    gaps: dict[str, _Gap] = {}
    for item in verified:
        while pending and pending[0].index < item.index:
            hole = pending.pop(0)
            _skip(sequences[hole.cabinet_id], hole)
        row_id = stored.get(item.identity)
        if row_id is None or firsts[item.identity] is not item:
            results.append(Ingested("duplicate"))
            continue
        gap = item.message["type"] not in UNSEQUENCED and _follow_sequence(
            sequences[item.key.cabinet_id], item, gaps
        )
        results.append(Ingested("accepted", message_row_id=row_id, gap=gap))
    for hole in pending:
        _skip(sequences[hole.cabinet_id], hole)
    _save_sequences(session, sequences)
    _raise_gap_alerts(session, list(gaps.values()))
    return results


def _skip(sequence: _Sequence, hole: _Hole) -> None:
    """A refused message next in its sequence (or first of a new boot): the sequence moves on."""
    if sequence.boot_id == hole.boot and hole.seq == sequence.last_seq + 1:
        sequence.last_seq, sequence.moved = hole.seq, True
    elif sequence.boot_id != hole.boot and hole.seq == 0:
        sequence.boot_id, sequence.last_seq, sequence.moved = hole.boot, 0, True


def _lock_sequences(session: Session, cabinet_ids: Iterable[int]) -> dict[int, _Sequence]:
    """Each cabinet's (boot, last seq), locked until commit so that two gateways storing messages
    of one cabinet follow its sequence one after the other (locked in id order: no deadlock)."""
    ids = sorted(cabinet_ids)
    if not ids:
        return {}
    statement = (
        select(CABINETS.c.id, CABINETS.c.boot_id, CABINETS.c.last_seq)
        .where(CABINETS.c.id.in_(ids))
        .order_by(CABINETS.c.id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: inserts' FK checks still pass
    )
    return {row.id: _Sequence(row.boot_id, row.last_seq) for row in session.execute(statement)}


def _insert_new(session: Session, items: list[_Verified]) -> dict[tuple[int, str], int]:
    """One INSERT for the batch; what was already stored (or is being stored by another gateway
    right now) is skipped by the unique (cabinet_id, message_id) constraint, not looked up."""
    received_at = datetime.now(UTC)
    rows = [
        {
            "tenant_id": item.key.tenant_id,
            "cabinet_id": item.key.cabinet_id,
            "message_id": item.message["id"],
            "boot_id": item.message["boot"],
            "seq": item.message["seq"],
            "type": item.message["type"],
            "device_ts": datetime.fromtimestamp(item.message["ts"] / 1000, UTC),
            "payload": _stored_payload(item.message),
        }
        for item in items
    ]
    status = MessageStatus.accepted.value
    if session.get_bind().dialect.name == "postgresql":
        for row in rows:
            row["device_ts"] = row["device_ts"].isoformat()
        parameters: Any = {"rows": json.dumps(rows), "received_at": received_at, "status": status}
        stored = session.execute(_PG_INSERT, parameters)
    else:
        parameters = [row | {"received_at": received_at, "status": status} for row in rows]
        stored = session.execute(_SQLITE_INSERT, parameters)
    return {(r.cabinet_id, r.message_id): r.id for r in stored}


_SQLITE_INSERT = (
    sqlite.insert(MESSAGES)
    .on_conflict_do_nothing(index_elements=["cabinet_id", "message_id"])
    .returning(MESSAGES.c.id, MESSAGES.c.cabinet_id, MESSAGES.c.message_id)
)
# The batch as one JSON parameter: one statement text whatever the batch size (a multi-row VALUES
# list is a new, long statement for psycopg to parse every time; arrays of JSON texts are slow to
# escape), and each payload is stored as the JSON type writes it.
_PG_INSERT = text(
    """
    INSERT INTO device_message (tenant_id, cabinet_id, message_id, boot_id, seq, type, device_ts,
                                payload, received_at, status)
    SELECT m.*, :received_at, :status
    FROM json_to_recordset(CAST(:rows AS JSON)) AS m(
        tenant_id INTEGER, cabinet_id INTEGER, message_id VARCHAR, boot_id VARCHAR, seq BIGINT,
        type VARCHAR, device_ts TIMESTAMPTZ, payload JSON)
    ON CONFLICT (cabinet_id, message_id) DO NOTHING
    RETURNING id, cabinet_id, message_id
    """
)


def _follow_sequence(sequence: _Sequence, item: _Verified, gaps: dict[str, _Gap]) -> bool:
    """Track (boot, seq) of buffered messages; a jump forward within a boot, or a new boot not
    starting at 0, is a gap: messages were lost (or are still to come out of order)."""
    boot: str = item.message["boot"]
    seq: int = item.message["seq"]
    if sequence.boot_id == boot:
        expected = sequence.last_seq + 1
        gap = seq > expected
        sequence.moved |= seq > sequence.last_seq
        sequence.last_seq = max(sequence.last_seq, seq)
    else:
        expected = 0
        gap = seq > 0
        sequence.boot_id, sequence.last_seq, sequence.moved = boot, seq, True
    if gap:
        root_key = f"seq_gap:{item.key.cabinet_id}:{boot}"
        gaps.setdefault(root_key, _Gap(root_key, item.key, boot, expected, seq)).occurrences += 1
    return gap


def _save_sequences(session: Session, sequences: Mapping[int, _Sequence]) -> None:
    moved = [
        {"cabinet": cabinet_id, "boot": s.boot_id, "seq": s.last_seq}
        for cabinet_id, s in sequences.items()
        if s.moved
    ]
    if moved:
        statement = (
            update(CABINETS)
            .where(CABINETS.c.id == bindparam("cabinet"))
            .values(boot_id=bindparam("boot"), last_seq=bindparam("seq"))
        )
        session.execute(statement, moved)


def _raise_gap_alerts(session: Session, gaps: list[_Gap]) -> None:
    """One alert per root cause (cabinet and boot), counting every occurrence; what this batch
    found is added to the open alert in one lookup for the whole batch."""
    if not gaps:
        return
    open_alerts = session.exec(
        select(Alert).where(
            col(Alert.tenant_id).in_({g.key.tenant_id for g in gaps}),
            col(Alert.root_key).in_([g.root_key for g in gaps]),
            Alert.status != AlertStatus.resolved.value,
        )
    ).all()
    found = {(a.tenant_id, a.root_key): a for a in open_alerts}
    for gap in gaps:
        alert = found.get((gap.key.tenant_id, gap.root_key))
        if alert is not None:
            alert.occurrences += gap.occurrences
        else:
            session.add(gap.alert())
            observe.alert_raised(session, "seq_gap")
        with logs.bound(tenant_id=gap.key.tenant_id, cabinet_id=gap.key.cabinet_id):
            logger.warning(
                "sequence gap on %s boot %s before seq %s (%s in this batch)",
                gap.key.cabinet_code,
                gap.boot,
                gap.seq,
                gap.occurrences,
            )
    session.flush()
