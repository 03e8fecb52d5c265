"""How amounts and moments are shown on every page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def yuan(cents: int) -> str:
    return f"{cents / 100:,.2f}"


def local_time(moment: datetime, timezone: str, pattern: str = "%m-%d %H:%M") -> str:
    """A stored moment (naive ones are UTC, as SQLite returns them) in the tenant's zone."""
    return (
        moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(ZoneInfo(timezone)).strftime(pattern)
    )
