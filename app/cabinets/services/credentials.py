"""Per-cabinet credentials: one random secret signs the cabinet's messages (HMAC, protocol v1)
and derives its MQTT password; it is stored only encrypted and shown once when provisioned.

Encryption: AES-256-GCM with a key derived from SECRET_KEY by HKDF-SHA256 (purpose-bound, so the
session-signing use of SECRET_KEY and this one never share a key). Rotating SECRET_KEY needs a
re-provisioning of every cabinet: the stored ciphertexts say which scheme made them ("v1:").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import Session, SQLModel, col, select

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.config import get_settings
from app.core.errors import DomainError, ValidationError
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.tenants.models import Tenant

S = TypeVar("S", bound=SQLModel)
SCHEME = "v1"
SECRET_BYTES = 32


@dataclass(frozen=True)
class CabinetKey:
    """What the gateway needs to verify and store a cabinet's message."""

    cabinet_id: int
    cabinet_code: str
    tenant_id: int
    tenant_code: str
    secret: bytes
    secret_version: int
    protocol: str = "1"  # "1.1": answer each message with msg.ack (docs/protocol.md § 8)


@dataclass(frozen=True)
class ProvisionedCredentials:
    """Shown once to the person provisioning the cabinet, never stored in clear."""

    cabinet_code: str
    mqtt_username: str
    mqtt_password: str
    secret_hex: str
    version: int


@lru_cache(maxsize=4)  # derived once: the gateway decrypts a secret for every message
def _key(secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cabinet-secret-encryption-v1"
    ).derive(secret_key.encode("utf-8"))


def encrypt_secret(secret: bytes, secret_key: str | None = None) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(secret_key or get_settings().secret_key)).encrypt(nonce, secret, None)
    return f"{SCHEME}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt_secret(token: str, secret_key: str | None = None) -> bytes:
    scheme, _, data = token.partition(":")
    if scheme != SCHEME:
        raise DomainError("cabinet.secret_unreadable")
    raw = base64.urlsafe_b64decode(data.encode("ascii"))
    try:
        return AESGCM(_key(secret_key or get_settings().secret_key)).decrypt(
            raw[:12], raw[12:], None
        )
    except InvalidTag:
        raise DomainError("cabinet.secret_unreadable") from None


def mqtt_password(secret: bytes) -> str:
    """The MQTT password follows from the secret: one thing to provision, one to rotate."""
    digest = hmac.new(secret, b"mqtt-password-v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def provision(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    actor: Actor,
    secret_key: str | None = None,
) -> ProvisionedCredentials:
    """A new secret for the cabinet (the previous one stops working); audited without values.

    `secret_key`: the SECRET_KEY of the deployment that will read it, when provisioning from
    another process (a CLI or a test against a running app); this process's by default."""
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    secret = secrets.token_bytes(SECRET_BYTES)
    had_secret = cabinet.secret_ciphertext is not None
    cabinet.secret_ciphertext = encrypt_secret(secret, secret_key)
    cabinet.secret_version = cabinet.secret_version + 1 if had_secret else 1
    session.flush()
    audit.record(
        session=session,
        action="cabinet.credentials",
        entity="cabinet",
        entity_id=cabinet.id,
        tenant_id=cabinet.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        after={"secret_version": cabinet.secret_version, "rotated": had_secret},
        ip=actor.ip,
    )
    return ProvisionedCredentials(
        cabinet_code=cabinet.code,
        mqtt_username=cabinet.mqtt_username,
        mqtt_password=mqtt_password(secret),
        secret_hex=secret.hex(),
        version=cabinet.secret_version,
    )


def cabinet_secret(*, session: Session, cabinet_code: str) -> tuple[Cabinet, bytes] | None:
    """For the gateway (a system actor across tenants): the cabinet and its secret, or None
    for an unknown or unprovisioned cabinet."""
    statement = scoped_select(Cabinet, TenantScope.platform()).where(Cabinet.code == cabinet_code)
    cabinet = session.exec(statement).first()
    if cabinet is None or cabinet.secret_ciphertext is None:
        return None
    return cabinet, decrypt_secret(cabinet.secret_ciphertext)


def cabinet_keys(*, session: Session, cabinet_codes: Iterable[str]) -> dict[str, CabinetKey]:
    """For the gateway, one query per batch of messages: each provisioned cabinet among
    `cabinet_codes` with its tenant and secret. Read fresh every time, so a re-provisioned,
    moved or deleted cabinet counts at once; only the decryption is remembered."""
    codes = sorted(set(cabinet_codes))
    if not codes:
        return {}
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Cabinet.id,
            Cabinet.code,
            Cabinet.tenant_id,
            Tenant.code,
            Cabinet.secret_ciphertext,
            Cabinet.secret_version,
            Cabinet.protocol,
        )
        .join(Tenant, Tenant.id == Cabinet.tenant_id)
        .where(col(Cabinet.code).in_(codes), col(Cabinet.secret_ciphertext).is_not(None))
    )
    keys: dict[str, CabinetKey] = {}
    secret_key = get_settings().secret_key
    for cabinet_id, code, tenant_id, tenant, ciphertext, version, protocol in session.exec(
        statement
    ):
        try:
            secret = _decrypted(ciphertext, secret_key)
        except DomainError:  # unreadable (SECRET_KEY rotated without re-provisioning): unknown
            continue
        keys[code] = CabinetKey(cabinet_id, code, tenant_id, tenant, secret, version, protocol)
    return keys


@lru_cache(maxsize=4096)  # a new provisioning makes a new ciphertext (fresh nonce), so no TTL
def _decrypted(token: str, secret_key: str) -> bytes:
    return decrypt_secret(token, secret_key)


SEALED = "sealed:"


def seal(value: object) -> str:
    """A short secret (a PIN) kept only encrypted until the job that needs it has used it."""
    return SEALED + encrypt_secret(str(value).encode())


def unseal(value: object) -> str:
    """The sealed secret, or "" for anything that is not one we sealed."""
    if not (isinstance(value, str) and value.startswith(SEALED)):
        return ""
    try:
        return decrypt_secret(value[len(SEALED) :]).decode()
    except (DomainError, ValueError):
        return ""


def save_sealed_settings(
    *,
    session: Session,
    model: type[S],
    row: S | None,
    tenant_id: int,
    cleaned: dict[str, Any],
    secret_field: str,
    typed_secret: str | None,
    action: str,
    actor: Actor,
    now: datetime | None = None,
    secret_limit: int = 128,
) -> S:
    """Create or replace a tenant's one settings row (an SMS sender, an identity provider) whose
    `{secret_field}_ciphertext` holds a secret typed once: stored encrypted, kept as stored when
    left blank, required on the first save. The audit entry says whether it changed, never it."""
    secret = (typed_secret or "").strip()
    if (row is None and not secret) or len(secret) > secret_limit:
        raise ValidationError(field=secret_field)
    before = None if row is None else {k: getattr(row, k) for k in cleaned}
    column = f"{secret_field}_ciphertext"
    if row is None:
        row = model(tenant_id=tenant_id, **{column: ""}, **cleaned)
    else:
        for name, value in cleaned.items():
            setattr(row, name, value)
    if secret:
        setattr(row, column, encrypt_secret(secret.encode("utf-8")))
    row.updated_at = now or datetime.now(UTC)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action=action,
        entity=str(model.__tablename__),
        entity_id=row.id,  # type: ignore[attr-defined]  # every settings row has an id
        tenant_id=tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        after={**cleaned, f"{secret_field}_changed": bool(secret)},
        ip=actor.ip,
    )
    return row
