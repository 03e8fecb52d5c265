"""Switches that make a simulated cabinet misbehave like buggy or hostile firmware.

Each bad message is an extra copy ("twin") of a genuine one, sent after it, so the genuine
traffic still arrives whole and a test can count exactly what the gateway must refuse:

| kind | what is sent | what the cloud must do |
| --- | --- | --- |
| bad_signature | the message with a wrong `sig` | refuse `bad_signature` |
| stale_timestamp | re-signed with `ts` 10 minutes old | refuse `stale_timestamp` |
| malformed_json | the first half of the payload | refuse `bad_json` |
| schema_violation | a required body field removed | refuse `schema` |
| replay | the same bytes again (same nonce) | refuse `replayed_nonce` |
| duplicate | same id, new nonce and `ts` | store nothing (a duplicate, not an error) |
| out_of_order | two buffered messages published swapped | store both; raise a gap alert |
| flapping | the connection dropped every few seconds | lose and duplicate nothing |

And firmware that fails to finish what it was asked, on the share `rate` of commands or closes:

| kind | what the cabinet does | what the cloud must do |
| --- | --- | --- |
| never_acks | neither acks nor carries out a command | end an unlock's session, free the cabinet |
| received_only | acks `received`, never carries it out | the same |
| drops_close | closes the door without `door.closed` | after 30 min an exception, cabinet free |
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hardware.protocol.canonical import sign

TWIN_KINDS = (
    "bad_signature",
    "stale_timestamp",
    "malformed_json",
    "schema_violation",
    "replay",
    "duplicate",
)
COMMAND_KINDS = ("never_acks", "received_only")  # what becomes of a command, first that applies
KINDS = (*TWIN_KINDS, "out_of_order", "flapping", *COMMAND_KINDS, "drops_close")
EXPECTED_REFUSAL = {
    "bad_signature": "bad_signature",
    "stale_timestamp": "stale_timestamp",
    "malformed_json": "bad_json",
    "schema_violation": "schema",
    "replay": "replayed_nonce",
}
STALE_BY_MS = 600_000


@dataclass
class Mischief:
    kinds: frozenset[str] = frozenset()
    rate: float = 0.1  # the share of genuine messages that get each kind of twin
    flap_every_s: float = 3.0
    rng: random.Random = field(default_factory=random.Random)
    sent: Counter[str] = field(default_factory=Counter)  # twins sent, by kind

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown misbehaviour: {', '.join(sorted(unknown))}")

    def wants(self, kind: str) -> bool:
        return kind in self.kinds and self.rng.random() < self.rate

    def happens(self, kind: str) -> bool:
        """Whether this misbehaviour strikes now (and count it when it does)."""
        struck = self.wants(kind)
        if struck:
            self.sent[kind] += 1
        return struck

    def command_fate(self) -> str | None:
        """`never_acks`, `received_only`, or None: what becomes of a command just received."""
        return next((kind for kind in COMMAND_KINDS if self.happens(kind)), None)

    def twins(self, topic: str, message: dict[str, Any], secret: bytes) -> list[bytes]:
        """The bad copies to publish after this genuine message (often none)."""
        return [_twin(kind, topic, message, secret) for kind in TWIN_KINDS if self.happens(kind)]


def _resigned(topic: str, message: dict[str, Any], secret: bytes, **changes: Any) -> bytes:
    copy = json.loads(json.dumps(message)) | changes
    copy["nonce"] = secrets.token_hex(12)
    copy["sig"] = sign(secret, topic, copy)
    return json.dumps(copy).encode()


def _twin(kind: str, topic: str, message: dict[str, Any], secret: bytes) -> bytes:
    genuine = json.dumps(message).encode()
    if kind == "bad_signature":
        return json.dumps(message | {"sig": sign(b"not-the-secret", topic, message)}).encode()
    if kind == "stale_timestamp":
        return _resigned(topic, message, secret, ts=message["ts"] - STALE_BY_MS)
    if kind == "malformed_json":
        return genuine[: len(genuine) // 2]
    if kind == "schema_violation":
        body = dict(message["body"])
        body.pop(next(iter(body)), None)
        return _resigned(topic, message, secret, body=body)
    if kind == "replay":
        return genuine
    return _resigned(topic, message, secret, ts=message["ts"] + 1)  # duplicate
