"""A tenant's WeCom (企业微信) app: its settings, and signing in the member WeCom named (the
protocol is app/sso/wecom.py). Like the company sign-in, it only ever opens a session for an
existing active person with a sign-in account, matched by WeCom userid (= employee number) or
by the member's mobile."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from app.auth.service import SignedIn
from app.cabinets.credentials import decrypt_secret, save_sealed_settings
from app.core.errors import ValidationError
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.sso.models import WecomApp, WecomMatch
from app.sso.oidc import SsoRefused
from app.sso.service import settings_row, sign_in_matched, tenant_by_code
from app.sso.wecom import WecomConfig
from app.tenants.models import Tenant
from app.tenants.status import is_suspended

CALLBACK_PATH = "/auth/wecom/callback"


def wecom_config(*, session: Session, tenant_code: str) -> WecomConfig:
    """The WeCom app a company's employees sign in with, or SsoRefused("sso.not_configured")."""
    tenant = tenant_by_code(session, tenant_code)
    config = app_config(session, tenant) if tenant else None
    if config is None:
        raise SsoRefused("sso.not_configured", company=(tenant_code or "")[:32])
    return config


def app_config(session: Session, tenant: Tenant) -> WecomConfig | None:
    """The tenant's WeCom app with its Secret unsealed (None: none set up, or suspended); the
    sign-in and the org sync (app/org/directory_sync.py) call WeCom with it."""
    row = settings_row(session, WecomApp, tenant.id)
    if row is None or is_suspended(session, tenant.id):
        return None
    return WecomConfig(
        tenant_id=tenant.id,
        tenant_code=tenant.code,
        corp_id=row.corp_id,
        agent_id=row.agent_id,
        secret=decrypt_secret(row.secret_ciphertext).decode("utf-8"),
    )


def _cleaned(typed: dict) -> dict[str, str]:
    cleaned = {}
    for field, limit in (("corp_id", 64), ("agent_id", 32)):
        value = str(typed.get(field) or "").strip()
        if not value or len(value) > limit or not value.replace("_", "").isalnum():
            raise ValidationError(field=field)
        cleaned[field] = value
    match_field = str(typed.get("match_field") or WecomMatch.employee_no.value)
    if match_field not in {m.value for m in WecomMatch}:
        raise ValidationError(field="match_field")
    return {**cleaned, "match_field": match_field}


def save_wecom_app(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    typed: dict,
    actor: Actor,
    now: datetime | None = None,
) -> WecomApp:
    """Create or replace the tenant's WeCom app (the Secret stored encrypted, blank keeps it)."""
    scope.require(tenant_id)
    return save_sealed_settings(
        session=session,
        model=WecomApp,
        row=settings_row(session, WecomApp, tenant_id),
        tenant_id=tenant_id,
        cleaned=_cleaned(typed),
        secret_field="secret",
        typed_secret=str(typed.get("secret") or ""),
        action="sso.wecom_settings",
        actor=actor,
        now=now,
    )


def wecom_view(session: Session, tenant_id: int) -> dict[str, str]:
    row = settings_row(session, WecomApp, tenant_id)
    return {
        "corp_id": row.corp_id if row else "",
        "agent_id": row.agent_id if row else "",
        "match_field": row.match_field if row else WecomMatch.employee_no.value,
        "has_secret": "yes" if row else "",
    }


def sign_in(
    *,
    session: Session,
    tenant_id: int,
    claims: dict[str, Any],
    ip: str,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Open a session for the company's person the WeCom member record `claims` names."""
    row = settings_row(session, WecomApp, tenant_id)
    if row is None or is_suspended(session, tenant_id):
        raise SsoRefused("sso.not_configured", company="")
    userid = str(claims.get("userid", ""))[:64]
    field = "userid" if row.match_field == WecomMatch.employee_no.value else "mobile"
    value = str(claims.get(field) or "").strip()[:64]
    return sign_in_matched(
        session=session,
        row=row,
        value=value,
        subject=userid or None,
        ip=ip,
        user_agent=user_agent,
        now=now or datetime.now(UTC),
        method="wecom",
    )
