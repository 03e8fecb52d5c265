"""How amounts and moments are shown on every page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from app.core.errors import ValidationError


def yuan(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def fen(text: object, field: str) -> int:
    """An amount typed in yuan (two decimals at most, "" is 0) in fen; else the field is named."""
    typed = str(text if text is not None else "").strip().replace(",", "") or "0"
    try:
        amount = float(typed)
    except ValueError:
        raise ValidationError(field=field) from None
    cents = round(amount * 100)
    if abs(amount * 100 - cents) > 1e-6 or cents < 0:
        raise ValidationError(field=field)
    return cents


def local_time(moment: datetime, timezone: str, pattern: str = "%m-%d %H:%M") -> str:
    """A stored moment (naive ones are UTC, as SQLite returns them) in the tenant's zone."""
    return (
        moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo(timezone)).strftime(pattern)
    )
