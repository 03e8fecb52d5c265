"""A cabinet's side of camera snapshots (docs/protocol.md § 13): the signed upload request, and
sending it. The envelope is built and signed by the same code as every MQTT message
(`hardware.protocol.messages.build`), with the topic `cc/v1/{tenant}/{cabinet}/snapshot`.

A re-upload of the same image keeps its snapshot id (and may keep the envelope's id): build the
request again, which gives it a new `ts` and nonce.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from hardware.protocol.messages import build

ROUTE = "/api/cabinet/v1/snapshots"
ENVELOPE_HEADER = "X-CC-Envelope"
MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def content_type_of(image: bytes) -> str:
    """image/jpeg or image/png, by the bytes (what the cloud goes by too)."""
    for magic, kind in MAGIC.items():
        if image.startswith(magic):
            return kind
    raise ValueError("neither a JPEG nor a PNG")


def snapshot_body(
    image: bytes,
    *,
    snapshot_id: str,
    phase: str,
    camera: str,
    taken_at: int,
    session: str | None = None,
    content_type: str | None = None,
) -> dict[str, Any]:
    """The envelope's body for `image`: its size and SHA-256 bind the signature to its bytes."""
    body: dict[str, Any] = {
        "snapshot": snapshot_id,
        "phase": phase,
        "camera": camera,
        "taken_at": taken_at,
        "content_type": content_type or content_type_of(image),
        "bytes": len(image),
        "sha256": hashlib.sha256(image).hexdigest(),
    }
    if session is not None:
        body["session"] = session
    return body


def build_snapshot_request(
    code: str,
    tenant_code: str,
    secret: bytes,
    boot: str,
    seq: int,
    image: bytes,
    *,
    snapshot_id: str,
    phase: str,
    camera: str,
    taken_at: int,
    session: str | None = None,
    content_type: str | None = None,
    message_id: str | None = None,
    ts: int | None = None,
) -> tuple[dict[str, str], bytes]:
    """The headers and body of one upload. `seq`: the latest buffered message's, as telemetry
    carries it (snapshots are not numbered)."""
    body = snapshot_body(
        image,
        snapshot_id=snapshot_id,
        phase=phase,
        camera=camera,
        taken_at=taken_at,
        session=session,
        content_type=content_type,
    )
    _, message = build(
        secret=secret,
        tenant=tenant_code,
        cabinet=code,
        boot=boot,
        seq=seq,
        message_type="snapshot",
        body=body,
        message_id=message_id,
        ts=ts,
    )
    headers = {
        ENVELOPE_HEADER: json.dumps(message, separators=(",", ":")),
        "Content-Type": body["content_type"],
    }
    return headers, image


async def upload_snapshot(
    http_base_url: str,
    code: str,
    tenant_code: str,
    secret: bytes,
    boot: str,
    seq: int,
    image: bytes,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout_s: float = 30.0,
    **fields: Any,
) -> httpx.Response:
    """POST one image to the cloud at `http_base_url` (the bundle's `api_url`); `fields` are
    build_snapshot_request's keyword arguments. The answer as it came: 201 stored, 200 stored
    already; anything else names its refusal in `{"error": code}`."""
    headers, content = build_snapshot_request(code, tenant_code, secret, boot, seq, image, **fields)
    async with httpx.AsyncClient(
        base_url=http_base_url.rstrip("/"), transport=transport, timeout=timeout_s
    ) as client:
        return await client.post(ROUTE, headers=headers, content=content)
