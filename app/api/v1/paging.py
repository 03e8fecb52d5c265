"""What every list of the API shares: `limit` (1–200) and the opaque `cursor` of the next page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel

from app.core.model_base import as_utc
from app.core.paging import encode_keyset

MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page (at most 200)")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page")
]


class Page(BaseModel):
    data: list[dict[str, Any]]
    next_cursor: str | None = None


class Feed(Page):
    """A list that grows at its end (withdrawals, corrections): `resume_cursor` follows it."""

    resume_cursor: str | None = None


def stamped(value: Any) -> Any:
    """Every time in a reply written one way, as the webhooks write it: ISO 8601 in UTC with
    milliseconds (`2026-12-06T05:29:58.120+00:00`); stored times without a zone are UTC."""
    if isinstance(value, datetime):
        return as_utc(value).astimezone(UTC).isoformat(timespec="milliseconds")
    if isinstance(value, dict):
        return {k: stamped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [stamped(v) for v in value]
    return value


def page(rows: list[Any], next_id: int | None) -> dict[str, Any]:
    next_cursor = encode_keyset(next_id) if next_id is not None else None
    return {"data": stamped(rows), "next_cursor": next_cursor}
