"""How many rows a list's filters match, for the pager's "N in all" (the page itself is read
with a keyset cursor; the count runs once per page on the same filters)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlmodel import Session, select

from app.core.errors import ValidationError

PAGE_SIZES = (20, 50, 100)


def count_of(session: Session, statement: GenerativeSelect) -> int:
    """The number of rows `statement` selects (its order and limit do not matter)."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(session.exec(counted).one())


def encode_keyset(*parts: object) -> str:
    """An opaque cursor for a keyset position (callers must not read into it)."""
    text = "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_time_id(cursor: str) -> tuple[datetime, int]:
    """The (time, id) position a cursor of `encode_keyset(time, id)` holds; else refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, row_id = raw.split("|")
        at = datetime.fromisoformat(moment)
        return at.replace(tzinfo=at.tzinfo or UTC), int(row_id)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(field="cursor") from None


def decode_id(cursor: str | None) -> int | None:
    """The row id an `encode_keyset(id)` cursor holds (None: from the start); else refused."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(field="cursor") from None
