"""Protocol v1.1: the cloud answers every message of a v1.1 cabinet by id — `accepted`,
`duplicate` or `refused` with its code — with its own clock (docs/protocol.md § 8). The cabinet
deletes an event from its outbox on that answer, never on the broker's PUBACK, and learns from
`server_ms` / `skew_ms` how far off its clock is.

Answers are signed like commands and published at QoS 0 once the unit of work that judged the
messages has committed: one lost with a connection is made good by the cabinet's resend, which
is answered `duplicate`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlmodel import Session

from app.cabinets.models import PROTOCOL_V1_1, Cabinet
from app.cabinets.queries.refusals import Refused
from app.cabinets.queries.refusals import record as record_refusals
from app.cabinets.services.credentials import CabinetKey
from hardware.protocol.messages import CHANNEL_OF_TYPE, ERROR_CODES, build

# Answered when accepted or duplicate: what the cabinet keeps in its outbox, and its boot (the
# first answer carries the clock). Heartbeats are answered only when refused.
ANSWERED = frozenset(t for t, channel in CHANNEL_OF_TYPE.items() if channel != "telemetry") | {
    "boot"
}
ANSWER_BOOT = "cloud-gateway"
_ID = re.compile(r"^[0-9A-Za-z_-]{8,64}$")
_NONCE = re.compile(r"^[0-9a-f]{16,64}$")
_PIN = re.compile(rb'("pin"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)')  # cut short: masked too
EXCERPT_BYTES = 2000
CABINETS: Table = Cabinet.__table__  # type: ignore[attr-defined]  # SQLModel's metaclass sets it


@dataclass(frozen=True)
class Readable:
    """What can be read of a message, however badly formed: for the answer and the console."""

    id: str | None = None
    nonce: str | None = None
    type: str | None = None
    ts: int | None = None
    proto: str | None = None  # what a boot declares
    boot: str | None = None
    seq: int | None = None

    @classmethod
    def of(cls, payload: bytes | dict[str, Any]) -> Readable:
        message = payload if isinstance(payload, dict) else _loads(payload)
        if not isinstance(message, dict):
            return cls()
        body = message.get("body")
        return cls(
            id=_matching(message.get("id"), _ID),
            nonce=_matching(message.get("nonce"), _NONCE),
            type=message["type"][:32] if isinstance(message.get("type"), str) else None,
            ts=message["ts"] if type(message.get("ts")) is int else None,
            boot=message["boot"] if isinstance(message.get("boot"), str) else None,
            seq=message["seq"] if type(message.get("seq")) is int else None,
            proto=body.get("proto")
            if isinstance(body, dict) and message.get("type") == "boot"
            else None,
        )


def _loads(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def _matching(value: Any, pattern: re.Pattern[str]) -> str | None:
    return value if isinstance(value, str) and pattern.match(value) else None


def excerpt(payload: bytes) -> str:
    """A refused payload as the console shows it: any PIN masked, cut to EXCERPT_BYTES (no NUL:
    PostgreSQL's text refuses it)."""
    masked = _PIN.sub(rb'\1"***"', payload[: EXCERPT_BYTES * 2])
    return masked[:EXCERPT_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def speaks_v1_1(key: CabinetKey, readable: Readable, booted: dict[int, str]) -> bool:
    """Whether to answer: the boot itself says so, or the last boot seen (in this batch, else
    stored on the cabinet) did."""
    if readable.type == "boot" and readable.proto is not None:
        return readable.proto == PROTOCOL_V1_1
    return booted.get(key.cabinet_id, key.protocol) == PROTOCOL_V1_1


def answer(
    key: CabinetKey,
    readable: Readable,
    *,
    result: str,
    now_ms: int,
    code: str | None = None,
) -> tuple[str, bytes] | None:
    """The signed msg.ack for one message (None: this one is not answered)."""
    if result != "refused" and readable.type not in ANSWERED:
        return None
    body: dict[str, Any] = {
        "result": result,
        "server_ms": now_ms,
        "skew_ms": readable.ts - now_ms if readable.ts is not None else 0,
    }
    body |= {k: v for k, v in (("ref", readable.id), ("nonce", readable.nonce)) if v}
    if readable.type in ANSWERED or readable.type == "heartbeat":
        body["type"] = readable.type
    if result == "refused" and code in ERROR_CODES:
        body["code"] = code
    topic, message = build(
        secret=key.secret,
        tenant=key.tenant_code,
        cabinet=key.cabinet_code,
        boot=ANSWER_BOOT,
        seq=0,
        message_type="msg.ack",
        body=body,
        ts=now_ms,
    )
    return topic, json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


def respond(
    session: Session,
    messages: list[tuple[str, bytes]],
    judged: list[tuple[str, str | None, str | None, dict[str, Any] | None]],
    keys: Mapping[str, CabinetKey],
    now_ms: int,
) -> list[tuple[str, bytes] | None]:
    """After a batch was judged — per message (status, code, detail, the decoded message or
    None) — what each v1.1 cabinet is answered; and in the same unit of work: each cabinet's
    refusals counted, the protocol its accepted boot declared remembered."""
    booted: dict[int, str] = {}
    replies: list[tuple[str, bytes] | None] = []
    refused: list[Refused] = []
    for (topic, payload), (status, code, detail, decoded) in zip(messages, judged, strict=True):
        key = key_of(keys, topic)
        if key is None or code == "internal":
            replies.append(None)
            continue
        readable = Readable.of(decoded if decoded is not None else payload)
        speaks = speaks_v1_1(key, readable, booted)
        if readable.type == "boot" and status == "accepted":
            booted[key.cabinet_id] = readable.proto or "1"
        result = "refused" if status == "rejected" else status
        if result == "refused":
            refused.append(
                Refused(
                    key.tenant_id,
                    key.cabinet_id,
                    code or "?",
                    1,
                    readable.id,
                    detail,
                    excerpt(payload),
                )
            )
        replies.append(
            answer(key, readable, result=result, now_ms=now_ms, code=code) if speaks else None
        )
    record_refusals(session, refused, datetime.fromtimestamp(now_ms / 1000, UTC))
    _remember_protocols(session, booted)
    return replies


def key_of(keys: Mapping[str, CabinetKey], topic: str) -> CabinetKey | None:
    """The cabinet a topic names, if it is one of the tenant the topic names."""
    parts = topic.split("/")
    key = keys.get(parts[3]) if len(parts) == 5 else None
    return key if key is not None and key.tenant_code == parts[2] else None


def _remember_protocols(session: Session, booted: dict[int, str]) -> None:
    if booted:
        session.execute(
            update(CABINETS)
            .where(CABINETS.c.id == bindparam("cabinet"))
            .values(protocol=bindparam("proto")),
            [{"cabinet": cabinet_id, "proto": proto} for cabinet_id, proto in booted.items()],
        )
