"""Days as a tenant lives them: its local midnight, in UTC for queries."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"  # a scope of several tenants (the platform's, a provider's)


def start_of_local_day(now: datetime, timezone: str) -> datetime:
    """Midnight of `now`'s day in `timezone`, as an aware UTC datetime."""
    local = now.astimezone(ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC)
