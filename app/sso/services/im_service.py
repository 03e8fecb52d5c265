"""A tenant's workplace IM apps (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书): their settings, and
signing in the member the IM named (the protocols are app/sso/services/wecom.py,
services/dingtalk.py, services/feishu.py). Like the company sign-in, it only ever opens a session
for an existing active person with a sign-in account, matched by the member's id in the IM (=
employee number), the IM directory's 工号 (Feishu), or the member's mobile; each kind says which it
offers (`PROVIDERS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.auth.services.auth import SignedIn
from app.cabinets.services.credentials import decrypt_secret, save_sealed_settings
from app.core.errors import ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.sso.models import ImApp, ImKind, ImMatch
from app.sso.services.im import ImConfig
from app.sso.services.sso import configured, sign_in_matched, signing_row
from app.tenants.models import Tenant
from app.tenants.queries import tenant_by_code
from app.tenants.services.status import is_suspended

IDENTIFIER = re.compile(r"[A-Za-z0-9_.-]+")  # ids and keys the IMs issue: ww…, ding…, cli_…


@dataclass(frozen=True)
class SettingsField:
    """One value a tenant admin types: its name on the form (the vendor's own term), the
    ImApp column it is kept in, its length limit, and whether it may be left blank."""

    typed: str
    column: str
    limit: int
    required: bool = True


@dataclass(frozen=True)
class ImProvider:
    """What differs between the IMs once the protocol has run: the settings typed, and which
    field of the member record holds the value each way of matching compares."""

    kind: ImKind
    fields: tuple[SettingsField, ...]
    claims: dict[str, str]  # match_field -> the member record's field
    subject: str  # the member record's stable id, kept in the audit log of a refusal

    @property
    def path(self) -> str:
        return f"/auth/{self.kind.value}"

    @property
    def callback_path(self) -> str:
        return f"{self.path}/callback"


PROVIDERS: dict[str, ImProvider] = {
    ImKind.wecom.value: ImProvider(
        kind=ImKind.wecom,
        fields=(SettingsField("corp_id", "app_id", 64), SettingsField("agent_id", "agent_id", 32)),
        claims={ImMatch.employee_no.value: "userid", ImMatch.phone.value: "mobile"},
        subject="userid",
    ),
    ImKind.dingtalk.value: ImProvider(
        kind=ImKind.dingtalk,
        fields=(
            SettingsField("client_id", "app_id", 64),
            SettingsField("corp_id", "org_id", 64, required=False),
        ),
        claims={ImMatch.employee_no.value: "userid", ImMatch.phone.value: "mobile"},
        subject="unionId",
    ),
    ImKind.feishu.value: ImProvider(
        kind=ImKind.feishu,
        fields=(
            SettingsField("app_id", "app_id", 64),
            SettingsField("tenant_key", "org_id", 64, required=False),
        ),
        claims={
            ImMatch.employee_no.value: "user_id",
            ImMatch.job_no.value: "employee_no",
            ImMatch.phone.value: "mobile",
        },
        subject="union_id",
    ),
}


def provider(kind: str) -> ImProvider:
    found = PROVIDERS.get(kind)
    if found is None:
        raise ValidationError(field="kind")
    return found


def im_row(session: Session, tenant_id: int, kind: str) -> ImApp | None:
    scoped = scoped_select(ImApp, TenantScope.single(tenant_id))
    return session.exec(scoped.where(ImApp.kind == kind)).first()


def im_config(*, session: Session, tenant_code: str, kind: str) -> ImConfig:
    """The IM app a company's employees sign in with, or SsoRefused("sso.not_configured")."""
    tenant, row = configured(session, tenant_code, partial(im_row, kind=kind))
    return _unsealed(tenant, row)


def app_config(session: Session, tenant: Tenant, kind: str) -> ImConfig | None:
    """The tenant's app in that IM with its secret unsealed (None: none set up, or the tenant
    is suspended, as for the sign-in); the org sync (app/org/services/directory_sync.py) reads the
    WeCom directory with it."""
    row = im_row(session, pk(tenant), kind)
    if row is None or is_suspended(session, pk(tenant)):
        return None
    return _unsealed(tenant, row)


def _unsealed(tenant: Tenant, row: ImApp) -> ImConfig:
    return ImConfig(
        tenant_id=pk(tenant),
        tenant_code=tenant.code,
        kind=row.kind,
        app_id=row.app_id,
        agent_id=row.agent_id,
        org_id=row.org_id,
        secret=decrypt_secret(row.secret_ciphertext).decode("utf-8"),
        match_field=row.match_field,
    )


def im_kinds(*, session: Session, tenant_code: str) -> list[str]:
    """The IMs a company's employees can sign in with (none for an unknown or suspended one):
    what the phone's sign-in page offers for the company code typed."""
    tenant = tenant_by_code(session, tenant_code)
    if tenant is None or is_suspended(session, pk(tenant)):
        return []
    kinds = set(session.exec(select(ImApp.kind).where(ImApp.tenant_id == tenant.id)).all())
    return [kind for kind in PROVIDERS if kind in kinds]


# --- settings ------------------------------------------------------------------------------


def _cleaned(chosen: ImProvider, typed: dict[str, Any]) -> dict[str, str]:
    cleaned = {"kind": chosen.kind.value, "app_id": "", "agent_id": "", "org_id": ""}
    for field in chosen.fields:
        value = str(typed.get(field.typed) or "").strip()
        if (field.required and not value) or len(value) > field.limit:
            raise ValidationError(field=field.typed)
        if value and not IDENTIFIER.fullmatch(value):
            raise ValidationError(field=field.typed)
        cleaned[field.column] = value
    match_field = str(typed.get("match_field") or ImMatch.employee_no.value)
    if match_field not in chosen.claims:
        raise ValidationError(field="match_field")
    return {**cleaned, "match_field": match_field}


def save_im_app(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    kind: str,
    typed: dict[str, Any],
    actor: Actor,
    now: datetime | None = None,
) -> ImApp:
    """Create or replace the tenant's app in one IM (the secret stored encrypted, blank keeps
    it); audited as `sso.<kind>_settings`, saying whether the secret changed, never its value."""
    scope.require(tenant_id)
    chosen = provider(kind)
    return save_sealed_settings(
        session=session,
        model=ImApp,
        row=im_row(session, tenant_id, chosen.kind.value),
        tenant_id=tenant_id,
        cleaned=_cleaned(chosen, typed),
        secret_field="secret",
        typed_secret=str(typed.get("secret") or ""),
        action=f"sso.{chosen.kind.value}_settings",
        actor=actor,
        now=now,
    )


def im_view(session: Session, tenant_id: int, kind: str) -> dict[str, str]:
    """The settings form's values, by the form's names: never the secret, only whether one
    is stored."""
    chosen = provider(kind)
    row = im_row(session, tenant_id, kind)
    view = {f.typed: getattr(row, f.column) if row else "" for f in chosen.fields}
    view["match_field"] = row.match_field if row else ImMatch.employee_no.value
    view["has_secret"] = "yes" if row else ""
    return view


# --- signing in ----------------------------------------------------------------------------


def sign_in(
    *,
    session: Session,
    tenant_id: int,
    kind: str,
    claims: dict[str, Any],
    ip: str,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> SignedIn:
    """Open a session for the company's person the IM's member record `claims` names; audited
    as `auth.login` with the IM as the method."""
    chosen = provider(kind)
    row = signing_row(session, tenant_id, partial(im_row, kind=kind))
    claim = chosen.claims.get(row.match_field, "")
    value = str(claims.get(claim) or "").strip()[:64]
    subject = str(claims.get(chosen.subject) or "")[:64] or None
    return sign_in_matched(
        session=session,
        row=row,
        value=value,
        subject=subject,
        ip=ip,
        user_agent=user_agent,
        now=now or datetime.now(UTC),
        method=kind,
    )
