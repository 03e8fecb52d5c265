"""What the gateway does with the messages it received together, in one unit of work
(docs/protocol.md § 10). Each message goes through, in this order:

decode and schema-validate → known cabinet, topic of its own tenant → signature → ±300 s window
and nonce → store once (cabinet + message id unique; a duplicate changes nothing) → detect a gap
in (boot, seq) and raise one alert per gap root cause (hardware/sequences.py). A refusal is
counted by reason and logged with the cabinet code, never with the payload; nothing here raises
on bad device input. A plain heartbeat (it changes nothing but when its cabinet was heard:
app/cabinets/services/presence.py:plain_heartbeats) is stored applied, and needs no job.

The database work is per batch, not per message: one query for the cabinets' keys, one lock on
their rows (sequence and presence), one multi-row INSERT ... ON CONFLICT DO NOTHING, one UPDATE
of the sequences that moved, one of the time the plain heartbeats' cabinets were heard.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from app.cabinets.models import Cabinet, DeviceMessage, MessageStatus
from app.cabinets.services.credentials import CabinetKey, cabinet_keys, seal
from app.cabinets.services.presence import Presence, heard_at_once, plain_heartbeats
from app.metrics import observe
from hardware import sequences
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
    applied: bool = False  # a plain heartbeat, applied with its storing: no job for it


@dataclass(frozen=True)
class _Verified:
    index: int  # position in the batch
    key: CabinetKey
    message: dict[str, Any]

    @property
    def identity(self) -> tuple[int, str]:
        return self.key.cabinet_id, self.message["id"]


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
    heard_at = datetime.fromtimestamp(now_ms / 1000, UTC)  # the gateway's clock
    for item, result in zip(verified, _store(session, verified, holes, heard_at), strict=True):
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
) -> list[sequences.Hole]:
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
            holes.append(sequences.Hole(index, key.cabinet_id, readable.boot, readable.seq))
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


def _store(
    session: Session, verified: list[_Verified], holes: list[sequences.Hole], heard_at: datetime
) -> list[Ingested]:
    """Store the verified messages once and follow their sequences, in batch order (a message
    already stored, or seen earlier in this batch, is a duplicate and changes nothing); a hole
    (a refused message's seq) next in its sequence moves the sequence on. The cabinets of the
    plain heartbeats stored were heard at `heard_at`."""
    if not verified and not holes:
        return []
    firsts: dict[tuple[int, str], _Verified] = {}
    for item in verified:
        firsts.setdefault(item.identity, item)
    followed, presences = _lock_cabinets(
        session,
        {i.key.cabinet_id for i in firsts.values()} | {hole.cabinet_id for hole in holes},
    )
    in_order = [(item.key.cabinet_id, item.message) for item in verified]
    plain = {verified[p].identity for p in plain_heartbeats(in_order, presences)}
    pending = sorted(holes, key=lambda hole: hole.index)
    received_at = datetime.now(UTC)
    stored = _insert_new(session, list(firsts.values()), plain, received_at) if firsts else {}
    heard_at_once(
        session=session, cabinet_ids={c for c, m in stored if (c, m) in plain}, now=heard_at
    )
    results = []
    gaps: dict[str, sequences.Gap] = {}
    for item in verified:
        while pending and pending[0].index < item.index:
            hole = pending.pop(0)
            sequences.skip(followed[hole.cabinet_id], hole)
        row_id = stored.get(item.identity)
        if row_id is None or firsts[item.identity] is not item:
            results.append(Ingested("duplicate"))
            continue
        gap = item.message["type"] not in UNSEQUENCED and sequences.follow(
            followed[item.key.cabinet_id], item.key, item.message, gaps
        )
        applied = item.identity in plain
        results.append(Ingested("accepted", message_row_id=row_id, gap=gap, applied=applied))
    for hole in pending:
        sequences.skip(followed[hole.cabinet_id], hole)
    sequences.save(session, followed)
    sequences.raise_gap_alerts(session, list(gaps.values()))
    return results


def _lock_cabinets(
    session: Session, cabinet_ids: Iterable[int]
) -> tuple[dict[int, sequences.Sequence], dict[int, Presence]]:
    """Each cabinet's (boot, last seq) and presence, locked until commit so that two gateways
    storing messages of one cabinet follow its sequence one after the other, and a plain
    heartbeat is told against a state no one changes meanwhile (in id order: no deadlock)."""
    ids = sorted(cabinet_ids)
    if not ids:
        return {}, {}
    c = CABINETS.c
    columns = (c.id, c.boot_id, c.last_seq, c.is_online, c.door_state, c.config_due, c.status)
    statement = (
        CABINETS.select()
        .with_only_columns(*columns)
        .where(c.id.in_(ids))
        .order_by(c.id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: inserts' FK checks still pass
    )
    rows = list(session.execute(statement))
    followed = {row.id: sequences.Sequence(row.boot_id, row.last_seq) for row in rows}
    presences = {
        row.id: Presence(row.is_online, row.door_state, row.config_due, row.status) for row in rows
    }
    return followed, presences


def _insert_new(
    session: Session,
    items: list[_Verified],
    applied: set[tuple[int, str]],
    received_at: datetime,
) -> dict[tuple[int, str], int]:
    """One INSERT for the batch (the `applied` ones stored as processed); what was already
    stored (or is being stored by another gateway right now) is skipped by the unique
    (cabinet_id, message_id) constraint, not looked up."""
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
            "status": (
                MessageStatus.processed if item.identity in applied else MessageStatus.accepted
            ).value,
        }
        for item in items
    ]
    if session.get_bind().dialect.name == "postgresql":
        for row in rows:
            row["device_ts"] = row["device_ts"].isoformat()
        parameters: Any = {"rows": json.dumps(rows), "received_at": received_at}
        stored = session.execute(_PG_INSERT, parameters)
    else:
        parameters = [row | {"received_at": received_at} for row in rows]
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
                                payload, status, received_at)
    SELECT m.*, :received_at
    FROM json_to_recordset(CAST(:rows AS JSON)) AS m(
        tenant_id INTEGER, cabinet_id INTEGER, message_id VARCHAR, boot_id VARCHAR, seq BIGINT,
        type VARCHAR, device_ts TIMESTAMPTZ, payload JSON, status VARCHAR)
    ON CONFLICT (cabinet_id, message_id) DO NOTHING
    RETURNING id, cabinet_id, message_id
    """
)
