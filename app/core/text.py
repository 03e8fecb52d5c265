"""What a person may type into text that others see or export: no control characters and no
text-direction overrides.

A NUL, CR/LF or TAB in a name breaks CSV/XLSX exports, log lines and table cells; a bidi
override (U+202E "right-to-left override") makes "gpj.exe" display as "exe.jpg" on the
approver's screen. Names (one line) refuse all of them; free text (a reason, a complaint)
keeps its line breaks and refuses the rest.

Two layers: services call `clean_line` / `refuse_unsafe` on what a form or an import row says,
for an error naming the field (and the row); and every table column declared with `line_field`
or `text_field` is checked again when a session flushes, so a path that forgot the call (a
script, a future form) still cannot store such a character.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlmodel import Field

from app.core.errors import ValidationError

# C0 and C1 controls (NUL, TAB, LF, CR, ESC, DEL, ...), the Arabic letter mark, LRM/RLM, the
# line and paragraph separators, bidi embeddings/overrides (U+202A-E) and isolates (U+2066-9).
_DIRECTION_AND_SEPARATORS = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_DIRECTION_AND_SEPARATORS}]")
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_DIRECTION_AND_SEPARATORS}]")
UNSAFE_KEY = "error.unsafe_text"
_INFO_KEY = "typed_text"  # Column.info marker: "line" or "text"


def has_unsafe(value: str, *, multiline: bool = False) -> bool:
    pattern = _UNSAFE_IN_TEXT if multiline else _UNSAFE_IN_LINE
    return pattern.search(value) is not None


def refuse_unsafe(value: str, field: str, *, multiline: bool = False) -> str:
    """`value` unchanged, or ValidationError(UNSAFE_KEY) naming `field`."""
    if has_unsafe(value, multiline=multiline):
        raise ValidationError(UNSAFE_KEY, field=field)
    return value


def clean_line(raw: Any, field: str, *, max_length: int, required: bool = True) -> str | None:
    """A one-line name as typed: trimmed, required unless told, at most `max_length`, safe."""
    value = "" if raw is None else str(raw).strip()
    return _checked(value, field, max_length=max_length, required=required, multiline=False)


def clean_text(raw: Any, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Free text (line breaks kept, CRLF made LF): trimmed, at most `max_length`, safe."""
    value = "" if raw is None else str(raw).replace("\r\n", "\n").strip()
    return _checked(value, field, max_length=max_length, required=required, multiline=True)


def _checked(
    value: str, field: str, *, max_length: int, required: bool, multiline: bool
) -> str | None:
    if not value:
        if required:
            raise ValidationError("error.required", field=field)
        return None
    if len(value) > max_length:
        raise ValidationError("error.too_long", field=field, max=max_length)
    return refuse_unsafe(value, field, multiline=multiline)


def line_field(*, field: str = "name", **kwargs: Any) -> Any:
    """A column holding a one-line name a person typed (checked again at every flush)."""
    return Field(sa_column_kwargs={"info": {_INFO_KEY: ("line", field)}}, **kwargs)


def text_field(*, field: str, **kwargs: Any) -> Any:
    """A column holding free text a person typed, line breaks allowed (checked at flush)."""
    return Field(sa_column_kwargs={"info": {_INFO_KEY: ("text", field)}}, **kwargs)


@cache
def _typed_columns(model: type) -> tuple[tuple[str, bool, str], ...]:
    """(attribute, multiline, field) of every declared typed-text column of a table."""
    table = getattr(model, "__table__", None)
    if table is None:
        return ()
    return tuple(
        (column.key, column.info[_INFO_KEY][0] == "text", column.info[_INFO_KEY][1])
        for column in table.columns
        if _INFO_KEY in column.info
    )


def _check_row(obj: Any, *, is_new: bool) -> None:  # a row of any model
    # A class is hashable; mypy checks the instances' __hash__ against Hashable instead.
    for attribute, multiline, field in _typed_columns(type(obj)):  # type: ignore[arg-type]
        if is_new:
            values = [getattr(obj, attribute)]
        else:  # only what this flush changes: an old row is not refused for an untouched name
            values = list(inspect(obj).attrs[attribute].history.added)
        for value in values:
            if isinstance(value, str):
                refuse_unsafe(value, field, multiline=multiline)


@event.listens_for(Session, "before_flush")
def _refuse_unsafe_text_on_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.new:
        _check_row(obj, is_new=True)
    for obj in session.dirty:
        _check_row(obj, is_new=False)
