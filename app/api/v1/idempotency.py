"""`Idempotency-Key` on POST/PUT: the reply is stored with the change, in the same unit of work,
so a retry with the same key and the same request gets the same reply (and changes nothing
again); the same key with another request is refused (422). Two concurrent first tries: on
PostgreSQL the second waits on a lock of that key until the first has committed, then replays
its reply; elsewhere the second's commit meets the unique (key, idempotency key), or its change
is refused because the first's is already there, and is rolled back, then replayed.
Refusals are not stored: nothing was written, a retry runs again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.api.v1.context import ApiCaller, run
from app.api.v1.problems import ApiProblem
from app.apikeys.models import ApiIdempotency
from app.core.errors import DomainError

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _stored(session: Session, key_id: int, idempotency_key: str) -> ApiIdempotency | None:
    return session.exec(
        select(ApiIdempotency).where(
            ApiIdempotency.api_key_id == key_id, ApiIdempotency.idempotency_key == idempotency_key
        )
    ).first()


def hash_request(method: str, path: str, tenant_id: int | None, body: bytes) -> str:
    """What makes two tries the same request: verb, path, company and body bytes."""
    parts = [method.encode(), path.encode(), str(tenant_id).encode(), body]
    return hashlib.sha256(b"\n".join(parts)).hexdigest()


def _hold(session: Session, key_id: int, idempotency_key: str) -> None:
    """Serialize first tries of one key until this unit of work ends (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"idempotency:{key_id}:{idempotency_key}".encode()).digest()
    lock = int.from_bytes(digest[:8], "big", signed=True)
    # sqlmodel types exec() for its selects and DML; SQLAlchemy runs any text clause
    session.exec(text("SELECT pg_advisory_xact_lock(:lock)").bindparams(lock=lock))  # type: ignore[call-overload]


def _reply(row: ApiIdempotency, request_hash: str, replayed: bool) -> Response:
    if row.request_hash != request_hash:
        raise ApiProblem(422, "api.idempotency_mismatch")
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(row.body, row.status_code, headers=headers, media_type="application/json")


def _apply(
    *,
    session: Session,
    who: ApiCaller,
    idempotency_key: str | None,
    request_hash: str,
    status_code: int,
    change: Callable[..., Any],
    kwargs: dict[str, Any],
) -> tuple[ApiIdempotency, bool]:
    if idempotency_key:
        _hold(session, who.key_id, idempotency_key)
        earlier = _stored(session, who.key_id, idempotency_key)
        if earlier is not None:
            return earlier, True
    # (result, created) — or (result, created, tenant_id) when the change found its company
    # itself (a provider's key moving a work order of one of its companies)
    result, created, *found = change(session=session, who=who, **kwargs)
    row = ApiIdempotency(
        tenant_id=found[0] if found else who.target_tenant,
        api_key_id=who.key_id,
        idempotency_key=idempotency_key or "",
        request_hash=request_hash,
        status_code=201 if created else status_code,
        body=json.dumps(jsonable_encoder(result), ensure_ascii=False),
    )
    if idempotency_key:
        session.add(row)
        session.flush()
    return row, False


async def write(
    request: Request, who: ApiCaller, change: Callable[..., Any], status_code: int = 200, **kwargs
) -> Response:
    """Run `change(session=…, who=…, **kwargs)` → (jsonable result, created?) once per key;
    the reply is 201 for a creation, else `status_code`."""
    idempotency_key = request.headers.get(HEADER)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY:
        raise ApiProblem(422, "api.idempotency_key_invalid")
    request_hash = hash_request(
        request.method, request.url.path, who.tenant_id, await request.body()
    )
    try:
        row, replayed = await run(
            request, _apply, who=who, idempotency_key=idempotency_key, request_hash=request_hash,
            status_code=status_code, change=change, kwargs=kwargs,
        )  # fmt: skip
    except IntegrityError:
        earlier = await _concurrent_first_try(request, who, idempotency_key)
        if earlier is None:
            raise ApiProblem(409, "api.conflict") from None
        row, replayed = earlier, True
    except DomainError:
        earlier = await _concurrent_first_try(request, who, idempotency_key)
        if earlier is None:
            raise
        row, replayed = earlier, True
    return _reply(row, request_hash, replayed)


async def _concurrent_first_try(
    request: Request, who: ApiCaller, idempotency_key: str | None
) -> ApiIdempotency | None:
    """The reply another try with this key committed while ours ran, if any."""
    if not idempotency_key:
        return None
    return await run(request, lambda session: _stored(session, who.key_id, idempotency_key))
