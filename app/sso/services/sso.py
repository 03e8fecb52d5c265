"""A tenant's single sign-on: its issuer settings, and signing in the person an identity
provider vouched for. The protocol itself is app/sso/services/oidc.py (async, no database).

A sign-in never creates anyone: the ID token's claim must name an active person of that
tenant who already has a sign-in account; otherwise it is refused with a message saying so.
The session opened is the same as a password sign-in's (app/auth/services/auth.py `open_session`),
audited as `auth.login` with method "sso".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlparse

from sqlmodel import Session, col, func

from app.audit.services import audit
from app.audit.services.records import Actor
from app.auth.models import Account
from app.auth.services.auth import AttemptRefused, SignedIn, open_session
from app.cabinets.services.credentials import decrypt_secret, save_sealed_settings
from app.core.errors import DomainError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import User
from app.org.services.validation import normalise_phone
from app.sso.models import ImApp, SsoIssuer, SsoMatch
from app.sso.services.oidc import IssuerConfig, SsoRefused
from app.tenants.models import Tenant
from app.tenants.queries import tenant_by_code
from app.tenants.services.status import is_suspended

CALLBACK_PATH = "/auth/sso/callback"
# What a tenant admin types on the settings page (the secret separately, never shown back).
FIELDS = ("issuer", "client_id", "match_field", "claim")


Row = SsoIssuer | ImApp  # a tenant's sign-in provider: each maps a value to a person


def issuer_row(session: Session, tenant_id: int) -> SsoIssuer | None:
    return session.exec(scoped_select(SsoIssuer, TenantScope.single(tenant_id))).first()


R = TypeVar("R", SsoIssuer, ImApp)
RowOf = Callable[[Session, int], R | None]  # a tenant's provider row (issuer_row, im_row)


def configured(session: Session, tenant_code: str, row_of: RowOf[R]) -> tuple[Tenant, R]:
    """The company of that code and its provider's row, or SsoRefused("sso.not_configured"):
    no such company, no provider set up, or the company is suspended."""
    tenant = tenant_by_code(session, tenant_code)
    row = row_of(session, pk(tenant)) if tenant else None
    if tenant is None or row is None or is_suspended(session, pk(tenant)):
        raise SsoRefused("sso.not_configured", company=(tenant_code or "")[:32])
    return tenant, row


def signing_row(session: Session, tenant_id: int, row_of: RowOf[R]) -> R:
    """The provider a sign-in comes back through, still set up and its company not suspended
    (either may have changed while the person was away at the provider)."""
    row = row_of(session, tenant_id)
    if row is None or is_suspended(session, tenant_id):
        raise SsoRefused("sso.not_configured", company="")
    return row


def issuer_config(*, session: Session, tenant_code: str) -> IssuerConfig:
    """The issuer a company's people sign in with, or SsoRefused("sso.not_configured")."""
    tenant, row = configured(session, tenant_code, issuer_row)
    return IssuerConfig(
        tenant_id=pk(tenant),
        tenant_code=tenant.code,
        issuer=row.issuer,
        client_id=row.client_id,
        client_secret=decrypt_secret(row.client_secret_ciphertext).decode("utf-8"),
        claim=row.claim,
    )


# --- settings ------------------------------------------------------------------------------


def _text(typed: dict[str, Any], field: str, limit: int, *, required: bool = True) -> str:
    value = str(typed.get(field) or "").strip()
    if (required and not value) or len(value) > limit:
        raise ValidationError(field=field)
    return value


def _issuer_url(raw: str) -> str:
    """An https URL without query or fragment (http only for a provider on this machine)."""
    url = raw.rstrip("/")
    parsed = urlparse(url)
    local = parsed.hostname in ("localhost", "127.0.0.1")
    if (
        not parsed.hostname
        or parsed.query
        or parsed.fragment
        or not (parsed.scheme == "https" or (parsed.scheme == "http" and local))
    ):
        raise ValidationError("sso.bad_issuer", field="issuer")
    return url


def _cleaned(typed: dict[str, Any]) -> dict[str, Any]:
    match_field = str(typed.get("match_field") or SsoMatch.email.value)
    if match_field not in {m.value for m in SsoMatch}:
        raise ValidationError(field="match_field")
    claim = _text(typed, "claim", 64)
    if not claim.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise ValidationError(field="claim")
    return {
        "issuer": _issuer_url(_text(typed, "issuer", 255)),
        "client_id": _text(typed, "client_id", 255),
        "match_field": match_field,
        "claim": claim,
        "sso_only": str(typed.get("sso_only", "")).lower() in ("on", "true", "1", "yes"),
    }


def save_issuer(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    typed: dict[str, Any],
    actor: Actor,
    now: datetime | None = None,
) -> SsoIssuer:
    """Create or replace the tenant's issuer; the client secret is stored encrypted (a blank
    one keeps the stored secret) and the audit entry says whether it changed, never its value."""
    scope.require(tenant_id)
    return save_sealed_settings(
        session=session,
        model=SsoIssuer,
        row=issuer_row(session, tenant_id),
        tenant_id=tenant_id,
        cleaned=_cleaned(typed),
        secret_field="client_secret",
        typed_secret=str(typed.get("client_secret") or ""),
        action="sso.settings",
        actor=actor,
        now=now,
        secret_limit=255,
    )


def issuer_view(session: Session, tenant_id: int) -> dict[str, str]:
    """The settings form's values: never the client secret, only whether one is stored."""
    row = issuer_row(session, tenant_id)
    tenant = session.get(Tenant, tenant_id)
    return {
        "issuer": row.issuer if row else "",
        "client_id": row.client_id if row else "",
        "match_field": row.match_field if row else SsoMatch.email.value,
        "claim": row.claim if row else "email",
        "sso_only": "on" if row and row.sso_only else "",
        "has_secret": "yes" if row else "",
        "company": tenant.code if tenant else "",
    }


# --- signing in ----------------------------------------------------------------------------


def _claimed_value(row: SsoIssuer, claims: dict[str, Any]) -> str:
    raw = claims.get(row.claim)
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
        raise SsoRefused("sso.no_claim", claim=row.claim)
    return str(raw).strip()[:120]


def _person(session: Session, row: Row, value: str) -> User | None:
    """The tenant's active person whose mapped field holds `value` (e-mail case-insensitive,
    phone normalised)."""
    scoped = scoped_select(User, TenantScope.single(row.tenant_id)).where(
        col(User.is_active).is_(True)
    )
    if row.match_field == SsoMatch.email.value:
        matches = session.exec(scoped.where(func.lower(User.email) == value.lower())).all()
        return matches[0] if len(matches) == 1 else None  # two people, one address: nobody
    if row.match_field == SsoMatch.phone.value:
        try:
            value = normalise_phone(value)
        except DomainError:
            return None
        return session.exec(scoped.where(User.phone == value)).first()
    return session.exec(scoped.where(User.employee_no == value)).first()


def _audit_refusal(
    session: Session, row: Row, refusal: DomainError, ip: str, subject: str | None = None
) -> None:
    audit.record(
        session=session,
        action="auth.sso_refused",
        entity=row.__tablename__,
        entity_id=row.id,
        tenant_id=row.tenant_id,
        after={"refusal": refusal.key, "subject": subject, **refusal.params},
        ip=ip,
    )
    session.flush()


def record_refusal(
    *,
    session: Session,
    tenant_code: str,
    refusal: DomainError,
    ip: str,
    row_of: RowOf[SsoIssuer] | RowOf[ImApp] = issuer_row,
) -> None:
    """Audit a sign-in the protocol refused (state, token, signature, claims): the tenant's
    admins see attempts against their identity provider (`row_of`: the tenant's provider)."""
    tenant = tenant_by_code(session, tenant_code)
    row = row_of(session, pk(tenant)) if tenant else None
    if row is not None:
        _audit_refusal(session, row, refusal, ip)


def _refuse(
    session: Session, row: Row, ip: str, refusal: SsoRefused, subject: str | None
) -> NoReturn:
    _audit_refusal(session, row, refusal, ip, subject)
    raise AttemptRefused(refusal.key, **refusal.params)


def sign_in(
    *,
    session: Session,
    tenant_id: int,
    claims: dict[str, Any],
    ip: str,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Open a session for the person the verified ID token `claims` name, in that tenant only.

    Refused (and audited) when no active person matches, or the person has no active sign-in
    account: accounts are made on the people page, never here."""
    now = now or datetime.now(UTC)
    row = signing_row(session, tenant_id, issuer_row)
    subject = str(claims.get("sub", ""))[:255] or None
    try:
        value = _claimed_value(row, claims)
    except SsoRefused as refusal:
        _refuse(session, row, ip, refusal, subject)
    return sign_in_matched(
        session=session,
        row=row,
        value=value,
        subject=subject,
        ip=ip,
        user_agent=user_agent,
        now=now,
        method="sso",
    )


def sign_in_matched(
    *,
    session: Session,
    row: Row,
    value: str,
    subject: str | None,
    ip: str,
    user_agent: str | None,
    now: datetime,
    method: str,
) -> SignedIn:
    """The session of the tenant's active person whose `row.match_field` holds `value`; refused
    and audited when there is none (or no value was given) or they have no active sign-in
    account."""
    if not value:  # the provider left the field out (a permission it was not granted)
        _refuse(session, row, ip, SsoRefused("sso.no_claim", match=row.match_field), subject)
    person = _person(session, row, value)
    if person is None:
        _refuse(session, row, ip, SsoRefused("sso.unknown_person", value=value), subject)
    account = session.get(Account, person.account_id) if person.account_id else None
    if account is None or not account.is_active:
        _refuse(session, row, ip, SsoRefused("sso.no_account", value=value), subject)
    return open_session(session, account, ip, user_agent, now, method=method)
