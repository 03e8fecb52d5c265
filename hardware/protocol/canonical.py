"""Signing and verifying cabinet messages (protocol v1, docs/protocol.md § Signing).

signature = hex(HMAC-SHA256(cabinet secret, canonical string)), where the canonical string is

    "cc1" \\n topic \\n id \\n cab \\n boot \\n seq \\n ts \\n nonce \\n type \\n sha256hex(body)

and the body is hashed in its canonical JSON form: keys sorted, no insignificant whitespace,
UTF-8 without escaping non-ASCII, integers only (the schemas forbid fractions, so every language
prints numbers the same way).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

PREFIX = "cc1"
SIGNED_FIELDS = ("id", "cab", "boot", "seq", "ts", "nonce", "type")


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def body_hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


def canonical_string(topic: str, message: Mapping[str, Any]) -> bytes:
    parts = [PREFIX, topic, *(str(message[f]) for f in SIGNED_FIELDS), body_hash(message["body"])]
    return "\n".join(parts).encode("utf-8")


def sign(secret: bytes, topic: str, message: Mapping[str, Any]) -> str:
    return hmac.new(secret, canonical_string(topic, message), hashlib.sha256).hexdigest()


def signature_ok(secret: bytes, topic: str, message: Mapping[str, Any]) -> bool:
    given = message.get("sig")
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(sign(secret, topic, message), given)
