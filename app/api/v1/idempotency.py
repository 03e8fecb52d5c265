"""`Idempotency-Key` on POST/PUT: the reply is stored with the change, in the same unit of work,
so a retry with the same key and the same request gets the same reply (and changes nothing
again); the same key with another request is refused (422). Two concurrent first tries: the
second's commit meets the unique (key, idempotency key) and is rolled back, then replayed.
Refusals are not stored: nothing was written, a retry runs again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.api.v1.context import ApiCaller, run
from app.api.v1.problems import ApiProblem
from app.apikeys.models import ApiIdempotency

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _stored(session: Session, key_id: int, idempotency_key: str) -> ApiIdempotency | None:
    return session.exec(
        select(ApiIdempotency).where(
            ApiIdempotency.api_key_id == key_id, ApiIdempotency.idempotency_key == idempotency_key
        )
    ).first()


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
    body = await request.body()
    request_hash = hashlib.sha256(
        b"\n".join(
            [request.method.encode(), request.url.path.encode(), str(who.tenant_id).encode(), body]
        )
    ).hexdigest()
    try:
        row, replayed = await run(
            request, _apply, who=who, idempotency_key=idempotency_key, request_hash=request_hash,
            status_code=status_code, change=change, kwargs=kwargs,
        )  # fmt: skip
    except IntegrityError:
        if not idempotency_key:
            raise ApiProblem(409, "api.conflict") from None
        earlier = await run(
            request,
            lambda session: _stored(session, who.key_id, idempotency_key),
        )
        if earlier is None:
            raise ApiProblem(409, "api.conflict") from None
        row, replayed = earlier, True
    return _reply(row, request_hash, replayed)
