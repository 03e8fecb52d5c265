"""Checking what an event payload carries: a crafted websocket message can send anything."""

from __future__ import annotations

import reflex as rx

from app.core.errors import ValidationError


def as_id(value: object) -> int:
    """An id from an event payload (anything else is refused, never guessed)."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
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
