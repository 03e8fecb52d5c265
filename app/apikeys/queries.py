"""The console's list of API keys (never their hashes): a tenant's, and its provider's own keys
for that provider's admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.apikeys.models import ApiKey
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import ProviderStaff, ProviderStaffRole, ServiceProvider


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
    owner: str = ""  # the provider's name for a provider's key ("" for the tenant's own)

    def state(self, now: datetime) -> str:
        """active, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        expiry = self.expires_at
        if expiry is not None and expiry.replace(tzinfo=expiry.tzinfo or UTC) <= now:
            return "expired"
        return "active"


def _row(k: ApiKey, owner: str = "") -> KeyRow:
    scopes = list(k.scopes or [])
    return KeyRow(
        pk(k), k.name, k.prefix, scopes, k.created_at, k.expires_at, k.last_used_at, k.revoked_at,
        owner,
    )  # fmt: skip


def list_keys(
    *, session: Session, scope: TenantScope, provider_id: int | None = None, limit: int = 200
) -> list[KeyRow]:
    """The scope's keys, then (for a provider's admin) the provider's own, newest first (a
    handful each: one page)."""
    statement = scoped_select(ApiKey, scope).order_by(col(ApiKey.id).desc()).limit(limit)
    rows = [_row(k) for k in session.exec(statement)]
    provider = session.get(ServiceProvider, provider_id) if provider_id else None
    if provider is not None:
        own = (
            select(ApiKey).where(ApiKey.provider_id == provider.id).order_by(col(ApiKey.id).desc())
        )
        rows = [_row(k, provider.name) for k in session.exec(own.limit(limit))] + rows
    return rows


def administered_provider(session: Session, account_id: int | None) -> int | None:
    """The provider whose admin this account is (its keys are theirs to make), else None."""
    if account_id is None:
        return None
    return session.exec(
        select(ProviderStaff.provider_id).where(
            ProviderStaff.account_id == account_id,
            ProviderStaff.role == ProviderStaffRole.admin.value,
            ProviderStaff.is_active,
        )
    ).first()
