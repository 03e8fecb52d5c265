"""The console's list of a tenant's API keys (never their hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from app.apikeys.models import ApiKey
from app.core.tenancy import TenantScope, scoped_select


@dataclass(frozen=True)
class KeyRow:
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        expiry = self.expires_at
        if expiry is not None and expiry.replace(tzinfo=expiry.tzinfo or UTC) <= now:
            return "expired"
        return "active"


def list_keys(*, session: Session, scope: TenantScope, limit: int = 200) -> list[KeyRow]:
    """The scope's keys, newest first (a tenant has a handful: one page)."""
    statement = scoped_select(ApiKey, scope).order_by(ApiKey.id.desc()).limit(limit)
    return [
        KeyRow(
            k.id,
            k.name,
            k.prefix,
            list(k.scopes or []),
            k.created_at,
            k.expires_at,
            k.last_used_at,
            k.revoked_at,
        )
        for k in session.exec(statement)
    ]
