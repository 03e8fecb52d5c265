"""API keys: created (the secret shown once, only its hash kept), revoked, checked on each call
(refused too while the tenant is suspended).

Format `cck_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole key is
compared in constant time. A key is refused once revoked or past its expiry. `last_used_at` is
written at most once a minute per key, so a busy integration does not write on every call."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from sqlmodel import Session, col, delete, select

from app.apikeys.models import ApiIdempotency, ApiKey
from app.audit.services import audit
from app.audit.services.records import Actor
from app.core.errors import DomainError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.core.text import refuse_unsafe
from app.tenants.models import ServiceProvider, Tenant
from app.tenants.models import Status as ProviderStatus
from app.tenants.queries import tenant_by_code
from app.tenants.services.status import is_suspended

KEY_MARK = "cck"
# What a key may do, resource by resource: `<resource>:read` / `<resource>:write`.
SCOPES: tuple[str, ...] = (
    "items:read",
    "items:write",
    "departments:read",
    "departments:write",
    "people:read",
    "people:write",
    "cabinets:read",
    "stock:read",
    "withdrawals:read",
    "workorders:read",
    "workorders:write",
    "quotas:read",
)
LAST_USED_EVERY = timedelta(minutes=1)
REPLIES_KEPT = timedelta(hours=24)  # how long a retry with the same Idempotency-Key is answered
MAX_NAME = 80


class KeyRefused(DomainError):
    """The presented key is unknown, malformed, revoked or expired (one answer for all)."""

    key = "apikeys.refused"


def hash_key(presented: str) -> str:
    return hashlib.sha256(presented.encode()).hexdigest()


@overload
def _aware(moment: datetime) -> datetime: ...
@overload
def _aware(moment: datetime | None) -> datetime | None: ...
def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=moment.tzinfo or UTC) if moment else None


def _clean(
    name: str, scopes: list[str], expires_at: datetime | None, now: datetime
) -> tuple[str, list[str]]:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(field="name")
    refuse_unsafe(name, "name")
    wanted = sorted(set(scopes))
    if not wanted or any(s not in SCOPES for s in wanted):
        raise ValidationError(field="scopes")
    if expires_at is not None and _aware(expires_at) <= now:
        raise ValidationError(field="expires_at")
    return name, wanted


def _public(key: ApiKey) -> dict[str, Any]:
    """What the audit log keeps of a key: never its secret nor its hash."""
    return {
        "name": key.name,
        "provider_id": key.provider_id,
        "prefix": key.prefix,
        "scopes": key.scopes,
        "expires_at": key.expires_at.isoformat() if key.expires_at else None,
    }


def create_key(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int | None,
    name: str,
    scopes: list[str],
    expires_at: datetime | None,
    actor: Actor,
    now: datetime | None = None,
    provider_id: int | None = None,
) -> tuple[ApiKey, str]:
    """The new key and its plaintext: the only moment the plaintext exists. A provider's key
    (`provider_id`, no tenant) is made by that provider's own admins (the caller checks who)."""
    now = now or datetime.now(UTC)
    if (tenant_id is None) == (provider_id is None):
        raise ValidationError(field="owner")
    if tenant_id is not None:
        scope.require(tenant_id)
    elif session.get(ServiceProvider, provider_id) is None:
        raise ValidationError(field="owner")
    name, wanted = _clean(name, scopes, expires_at, now)
    prefix = secrets.token_hex(4)
    plaintext = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(24)}"
    key = ApiKey(
        tenant_id=tenant_id,
        provider_id=provider_id,
        name=name,
        prefix=prefix,
        secret_hash=hash_key(plaintext),
        scopes=wanted,
        created_by_account_id=actor.account_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    _audit(session, "api_key.create", key, actor, before=None, after=_public(key))
    return key, plaintext


def revoke_key(
    *,
    session: Session,
    scope: TenantScope,
    key_id: int,
    actor: Actor,
    now: datetime | None = None,
    provider_id: int | None = None,
) -> ApiKey:
    """Revoke a key of the scope's tenants, or of `provider_id` (the caller's own provider)."""
    key = session.get(ApiKey, key_id)
    if key is None or key.provider_id is None or key.provider_id != provider_id:
        key = get_scoped_or_raise(session, ApiKey, key_id, scope)
    if key.revoked_at is not None:
        raise ValidationError("apikeys.revoked_already", field="key")
    key.revoked_at = now or datetime.now(UTC)
    session.flush()
    _audit(
        session, "api_key.revoke", key, actor, before={"revoked": False}, after={"revoked": True}
    )
    return key


def _audit(
    session: Session,
    action: str,
    key: ApiKey,
    actor: Actor,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    audit.record(
        session=session,
        action=action,
        entity="api_key",
        entity_id=key.id,
        tenant_id=key.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        after=after,
        ip=actor.ip,
    )


def authenticate(*, session: Session, presented: str | None, now: datetime | None = None) -> ApiKey:
    """The live key behind `presented`; its last use noted. Anything else: `KeyRefused`."""
    now = now or datetime.now(UTC)
    presented = presented or ""
    mark, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if mark != KEY_MARK or not prefix or not secret or len(presented) > 200:
        raise KeyRefused()
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_key(presented)):
        raise KeyRefused()
    if key.revoked_at is not None or (key.expires_at and _aware(key.expires_at) <= now):
        raise KeyRefused()
    if key.tenant_id is not None and is_suspended(session, key.tenant_id):
        raise KeyRefused("apikeys.tenant_suspended")  # as for its people at doors and console
    provider = session.get(ServiceProvider, key.provider_id) if key.provider_id else None
    if provider is not None and provider.status == ProviderStatus.suspended.value:
        raise KeyRefused("apikeys.provider_suspended")
    last = _aware(key.last_used_at)
    if last is None or now - last >= LAST_USED_EVERY:
        key.last_used_at = now
        session.flush()
    return key


def key_scope(session: Session, key: ApiKey) -> TenantScope:
    """The tenants a key reaches: its own; a provider's, every company it serves today (a
    suspended one excepted: its data is kept, nobody works in it)."""
    if key.tenant_id is not None:
        return TenantScope.single(key.tenant_id)
    served = session.exec(select(Tenant.id).where(Tenant.provider_id == key.provider_id))
    return TenantScope.of({i for i in served if i is not None and not is_suspended(session, i)})


def tenant_named(session: Session, reach: TenantScope, code: str) -> int:
    """The id of the company `code` within a key's reach; else the same refusal as unknown."""
    tenant = tenant_by_code(session, code)
    if tenant is None or not reach.allows(tenant.id):
        raise ValidationError("apikeys.tenant_unknown", field="tenant", code=code[:32])
    return pk(tenant)


def forget_replies(*, session: Session, now: datetime) -> int:
    """Drop the stored replies older than REPLIES_KEPT (hourly); how many went."""
    gone = session.exec(
        delete(ApiIdempotency).where(col(ApiIdempotency.created_at) < now - REPLIES_KEPT)
    )
    return gone.rowcount or 0
