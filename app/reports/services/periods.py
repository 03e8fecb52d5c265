"""Report periods: a day, an ISO week (Monday to Sunday), a month, or a custom range of local
dates; and the UTC instants that bound them in a tenant's time zone (midnight to midnight, local,
so a withdrawal at 23:30 in Shanghai on the 31st belongs to that month, not the next)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.errors import ValidationError

KINDS = ("day", "week", "month", "custom")
LONGEST_CUSTOM_DAYS = 366


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first local day in the period
    last: date  # the last local day in it (inclusive)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnight of `first` to local midnight after `last`."""
        return local_midnight(self.first, timezone), local_midnight(
            self.last + timedelta(days=1), timezone
        )

    def previous(self) -> Period:
        """The period of the same kind just before this one (a subscription's "last week")."""
        if self.kind == "month":
            last = self.first - timedelta(days=1)
            return Period("month", last.replace(day=1), last)
        return Period(self.kind, self.first - timedelta(days=self.days), self.first - timedelta(1))

    def following(self) -> Period:
        """The period of the same kind just after this one."""
        if self.kind == "month":
            return period_of("month", self.last + timedelta(days=1))
        return Period(self.kind, self.last + timedelta(days=1), self.last + timedelta(self.days))

    def label(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "month":
            return self.first.strftime("%Y-%m")
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def local_midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def period_of(kind: str, anchor: date, last: date | None = None) -> Period:
    """The period of `kind` holding `anchor` (custom: `anchor` to `last`)."""
    if kind == "day":
        return Period("day", anchor, anchor)
    if kind == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period("month", first, following - timedelta(days=1))
    if kind == "custom":
        if last is None or last < anchor:
            raise ValidationError(field="last")
        if (last - anchor).days + 1 > LONGEST_CUSTOM_DAYS:
            raise ValidationError("report.range_too_long", field="last", days=LONGEST_CUSTOM_DAYS)
        return Period("custom", anchor, last)
    raise ValidationError(field="period")


def local_today(timezone: str, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def offset_segments(
    start: datetime, end: datetime, timezone: str
) -> list[tuple[datetime, datetime, int]]:
    """[start, end) cut where the zone's UTC offset changes (daylight saving), each piece with
    its offset in seconds: what a database without time zones needs to find local days."""
    zone = ZoneInfo(timezone)
    segments: list[tuple[datetime, datetime, int]] = []
    piece_start = start
    offset = _offset(start, zone)
    moment = start
    while moment < end:
        following = min(moment + timedelta(hours=1), end)
        if _offset(following, zone) != offset and following < end:
            segments.append((piece_start, following, offset))
            piece_start, offset = following, _offset(following, zone)
        moment = following
    segments.append((piece_start, end, offset))
    return segments


def _offset(moment: datetime, zone: ZoneInfo) -> int:
    return int((moment.astimezone(zone).utcoffset() or timedelta()).total_seconds())
