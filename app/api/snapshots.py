"""POST /api/cabinet/v1/snapshots: a cabinet's camera image (docs/protocol.md § 13).

The body is the image; the signed envelope is the X-CC-Envelope header. Who sends is checked
before the body is read, and no more than MAX_BYTES of it is ever read. Refusals are JSON,
`{"error": code, "detail": ...}`, with the status of their code.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.cabinets.services import snapshots
from app.cabinets.services.snapshots import MAX_BYTES, SnapshotRefused
from app.core.db import run_in_session
from hardware.protocol.messages import NonceGuard, now_ms

ENVELOPE_HEADER = "x-cc-envelope"
STATUS = {
    "bad_json": 400,
    "schema": 400,
    "bytes_mismatch": 400,
    "sha256_mismatch": 400,
    "content_type_mismatch": 400,
    "unsigned": 401,
    "unknown_cabinet": 401,
    "bad_signature": 401,
    "stale_timestamp": 401,
    "replayed_nonce": 401,
    "cabinet_retired": 403,
    "tenant_suspended": 403,
    "snapshot_conflict": 409,
    "too_large": 413,
    "not_an_image": 415,
    "bad_image": 415,
    "image_too_large": 415,
}
# Each nonce once per cabinet within the window, as the gateway keeps it: per process. A replay
# that reaches another worker stores nothing new (the id is unique, the bytes are signed).
GUARD = NonceGuard()


def _refusal(refused: SnapshotRefused) -> Response:
    return JSONResponse(
        {"error": refused.code, "detail": refused.detail}, status_code=STATUS[refused.code]
    )


def _declared_too_long(request: Request) -> bool:
    declared = request.headers.get("content-length")
    return declared is not None and (not declared.isdigit() or int(declared) > MAX_BYTES)


async def _body(request: Request) -> bytes:
    """The body, given up on as soon as it runs past MAX_BYTES (whatever it declared)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise SnapshotRefused("too_large", f"more than {MAX_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: Request) -> Response:
    if _declared_too_long(request):
        return _refusal(SnapshotRefused("too_large", f"more than {MAX_BYTES} bytes declared"))
    envelope = request.headers.get(ENVELOPE_HEADER)
    try:
        admitted = await run_in_session(
            snapshots.admit,
            envelope=None if envelope is None else envelope.encode("latin-1"),
            guard=GUARD,
            now_ms=now_ms(),
        )
        image = await _body(request)
        stored = await run_in_session(
            snapshots.store_snapshot, admitted=admitted, image=image, now=datetime.now(UTC)
        )
    except SnapshotRefused as refused:
        return _refusal(refused)
    return JSONResponse(
        {
            "snapshot": stored.snapshot.snapshot_id,
            "result": "stored" if stored.created else "duplicate",
        },
        status_code=201 if stored.created else 200,
    )


routes = [Route("/api/cabinet/v1/snapshots", upload, methods=["POST"])]
