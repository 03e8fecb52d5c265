"""Checking what an event payload carries: a crafted websocket message can send anything."""

from __future__ import annotations

import reflex as rx

from app.core.errors import ValidationError

ID_DIGITS = 18  # a BIGINT's, and far below int()'s 4,300-digit refusal


def is_digits(text: str, most: int = 9) -> bool:
    """ASCII digits only ("٣" passes `isdigit()`), at most `most` of them (a 5,000-digit string
    also does, and `int()` would then raise a bare ValueError instead of naming the field)."""
    return text.isascii() and text.isdigit() and len(text) <= most


def as_id(value: object) -> int:
    """An id from an event payload (anything else is refused, never guessed)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(field="id")
    if not is_digits(str(value), ID_DIGITS):
        raise ValidationError(field="id")
    return int(value)


def optional_id(value: object) -> int | None:
    """An id filter from the payload or the state: none for "", "all" or nothing chosen."""
    return None if value in (None, "", "all") else as_id(value)


def first_upload(files: object) -> rx.UploadFile | None:
    """The first uploaded file, or None when the payload carries none (or something else)."""
    if isinstance(files, list) and files and isinstance(files[0], rx.UploadFile):
        return files[0]
    return None
