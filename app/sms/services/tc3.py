"""Tencent Cloud API 3.0 request signing, "signature v3" (TC3-HMAC-SHA256).

Followed step by step from the official document (签名方法 v3, repeated in every product's
API docs, e.g. https://cloud.tencent.com/document/api/213/30654): canonical request, string to
sign, a signing key derived from the SecretKey by date and service, the Authorization header.
Pure functions; tests/sms/test_tc3.py reproduces the document's worked example byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

ALGORITHM = "TC3-HMAC-SHA256"
TERMINATOR = "tc3_request"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    """The credential scope's date: UTC, never local time (the document's warning)."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def canonical_headers(headers: Mapping[str, str]) -> tuple[str, str]:
    """(CanonicalHeaders, SignedHeaders): keys and values lower-cased and trimmed, by key."""
    cleaned = sorted((k.strip().lower(), v.strip().lower()) for k, v in headers.items())
    return "".join(f"{k}:{v}\n" for k, v in cleaned), ";".join(k for k, _ in cleaned)


def canonical_request(
    method: str, headers: Mapping[str, str], payload: bytes, query: str = ""
) -> str:
    """POST requests have an empty query string; the URI of API 3.0 is always "/"."""
    header_block, signed = canonical_headers(headers)
    return "\n".join((method, "/", query, header_block, signed, sha256_hex(payload)))


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    scope = f"{utc_date(timestamp)}/{service}/{TERMINATOR}"
    return "\n".join((ALGORITHM, str(timestamp), scope, sha256_hex(canonical.encode("utf-8"))))


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    """SecretDate -> SecretService -> SecretSigning, each an HMAC-SHA256 of the previous."""
    secret_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = _hmac(secret_date, service)
    return _hmac(secret_service, TERMINATOR)


def signature(secret_key: str, timestamp: int, service: str, canonical: str) -> str:
    key = signing_key(secret_key, utc_date(timestamp), service)
    return hmac.new(
        key, string_to_sign(timestamp, service, canonical).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def authorization(
    secret_id: str, timestamp: int, service: str, signed_headers: str, signature_hex: str
) -> str:
    scope = f"{utc_date(timestamp)}/{service}/{TERMINATOR}"
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature_hex}"
    )


@dataclass(frozen=True)
class SignedRequest:
    """What goes on the wire: the headers (Authorization included) and the exact body bytes."""

    headers: dict[str, str]
    body: bytes


def sign_request(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    action: str,
    version: str,
    region: str,
    payload: bytes,
    timestamp: int,
) -> SignedRequest:
    """A JSON POST signed over content-type, host and x-tc-action (as the document's example)."""
    signed_part = {
        "Content-Type": "application/json; charset=utf-8",
        "Host": host,
        "X-TC-Action": action,
    }
    canonical = canonical_request("POST", signed_part, payload)
    _, signed_headers = canonical_headers(signed_part)
    auth = authorization(
        secret_id,
        timestamp,
        service,
        signed_headers,
        signature(secret_key, timestamp, service, canonical),
    )
    headers = {
        **signed_part,
        "Authorization": auth,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": version,
        "X-TC-Region": region,
    }
    return SignedRequest(headers=headers, body=payload)
