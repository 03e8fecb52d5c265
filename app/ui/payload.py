"""Checking what an event payload carries: a crafted websocket message can send anything."""

from __future__ import annotations

from app.core.errors import ValidationError


def as_id(value: object) -> int:
    """An id from an event payload (anything else is refused, never guessed)."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValidationError(field="id")
    return int(value)
