"""The audit trail: who changed what, with before/after, stored whole and masked on display.

Sensitive fields (phones, card numbers, ID-like values) are stored as they were so an auditor
with `audit:unmask` can see them; everyone else, and every log line, sees them masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app.audit.models import AuditLog
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, scope_filter

SENSITIVE_FIELDS = frozenset(
    {"phone", "contact_phone", "badge_card_no", "id_card_no", "email", "login", "card_no"}
)
SECRET_FIELDS = frozenset(
    {"password", "password_hash", "pin", "pin_hash", "secret", "secret_ciphertext"}
)


def mask_value(value: Any) -> Any:
    """138****5678 style: keep a little of each end, hide the middle."""
    if not isinstance(value, str) or not value:
        return value
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(value) <= 4:
        return "*" * len(value)
    keep_head = 3 if len(value) >= 11 else 1
    keep_tail = 4 if len(value) >= 8 else 2
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_record(data: dict[str, Any] | None, *, unmask: bool = False) -> dict[str, Any] | None:
    """A copy with sensitive fields masked (unless `unmask`) and secrets always hidden."""
    if data is None:
        return None
    masked: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECRET_FIELDS:
            masked[key] = "******" if value else value
        elif key in SENSITIVE_FIELDS and not unmask:
            masked[key] = mask_value(value)
        else:
            masked[key] = value
    return masked


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Only the fields that changed, on both sides (secrets never stored, only 'changed')."""
    if before is None or after is None:
        return _without_secrets(before), _without_secrets(after)
    keys = [k for k in after if before.get(k) != after.get(k)]
    return _without_secrets({k: before.get(k) for k in keys}), _without_secrets(
        {k: after[k] for k in keys}
    )


def _without_secrets(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: ("<changed>" if k in SECRET_FIELDS else v) for k, v in data.items()}


def record(
    *,
    session: Session,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    tenant_id: int | None = None,
    actor_account_id: int | None = None,
    actor_name: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    """Append one audit entry (flush only: it commits or rolls back with the change itself)."""
    before, after = diff(before, after)
    entry = AuditLog(
        tenant_id=tenant_id,
        actor_account_id=actor_account_id,
        actor_name=actor_name,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        ip=ip,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""  # exact action, or a prefix ending in "." (e.g. "auth.")
    actor: str = ""  # part of the actor's name
    entity_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def local_days(first: str, last: str, timezone: str) -> tuple[datetime | None, datetime | None]:
    """The instants bounding the days `first`..`last` (ISO dates, either may be blank or bad)
    in the tenant's time zone: [midnight of first, midnight after last)."""

    def midnight(text: str) -> datetime | None:
        try:
            day = date.fromisoformat(text)
        except (TypeError, ValueError):
            return None
        return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))

    until = midnight(last)
    return midnight(first), until + timedelta(days=1) if until else None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    created_at: datetime
    tenant_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str
    actor_account_id: int | None = None


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next_after: int | None
    total: int = 0


def list_audit(
    *,
    session: Session,
    scope: TenantScope,
    filters: AuditFilters,
    unmask: bool,
    after_id: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """One page of the trail, newest first; sensitive values masked unless `unmask`."""
    statement = select(AuditLog).where(scope_filter(AuditLog, scope))
    if filters.action.endswith("."):
        statement = statement.where(AuditLog.action.startswith(filters.action))
    elif filters.action:
        statement = statement.where(AuditLog.action == filters.action)
    if filters.actor:
        statement = statement.where(col(AuditLog.actor_name).contains(filters.actor))
    if filters.entity_id:
        statement = statement.where(AuditLog.entity_id == filters.entity_id)
    if filters.since is not None:
        statement = statement.where(AuditLog.created_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditLog.created_at < filters.until)
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(AuditLog.id) < after_id)
    rows = list(session.exec(statement.order_by(col(AuditLog.id).desc()).limit(limit + 1)))
    more = len(rows) > limit
    entries = [
        AuditEntry(
            id=pk(row),
            created_at=row.created_at,
            tenant_id=row.tenant_id,
            actor_name=row.actor_name or "",
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id or "",
            before=mask_record(row.before, unmask=unmask),
            after=mask_record(row.after, unmask=unmask),
            ip=row.ip or "",
            actor_account_id=row.actor_account_id,
        )
        for row in rows[:limit]
    ]
    return AuditPage(entries=entries, next_after=entries[-1].id if more else None, total=total)
