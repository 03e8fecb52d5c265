"""Signing a customer without a developer: the platform operator creates service providers and
tenants, each with its first administrator's sign-in, assigns tenants to providers and changes
a tenant's status (trial / active / suspended).

A suspended tenant keeps its data and its admins keep reading it, but nobody opens its cabinets
(the refusal in app/withdrawals/services/sessions.py, an empty offline lease) and its walls go dark
(app/wall/service.py); the change is announced on the tenant's `wall` and `tenant` channels.

Callers check the permission (`provider:write` for providers, `tenant:onboard` for tenants);
the services check that the caller's scope is the platform's and audit every change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor, snapshot
from app.auth.models import Account, AccountKind, GrantScope, RoleGrant
from app.auth.services.auth import ensure_builtin_roles, find_account
from app.auth.services.passwords import hash_secret
from app.core.announce import announce
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.core.text import refuse_unsafe
from app.org.models import User
from app.org.services import validation as v
from app.tenants.models import (
    ProviderStaff,
    ProviderStaffRole,
    ServiceProvider,
    Status,
    Tenant,
    TenantStatus,
)

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
LOCALES = ("zh-CN", "en")
ONBOARD = "tenant:onboard"
PROVIDERS = "provider:write"


@dataclass(frozen=True)
class FirstAdmin:
    """The person who signs in first for a new provider or tenant."""

    name: str
    username: str
    password: str
    phone: str | None = None


@dataclass(frozen=True)
class ProviderFields:
    code: str
    name: str
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class TenantFields:
    code: str
    name: str
    legal_name: str | None = None
    timezone: str = "Asia/Shanghai"
    locale: str = "zh-CN"
    contract_start: date | None = None
    contract_end: date | None = None
    provider_id: int | None = None
    status: str = TenantStatus.trial.value


def require_platform(scope: TenantScope) -> None:
    """Only the platform's own people (scope: every tenant) onboard and suspend customers."""
    if scope.tenant_ids is not None:
        raise PermissionDeniedError("error.permission_denied", permission=ONBOARD)


def _line(raw: str | None, field: str, most: int, *, required: bool = True) -> str | None:
    value = str(raw or "").strip()
    if not value:
        if required:
            raise ValidationError("org.required", field=field)
        return None
    if len(value) > most:
        raise ValidationError("org.too_long", field=field, max=most)
    return refuse_unsafe(value, field)


Org = TypeVar("Org", Tenant, ServiceProvider)


def _unique_code(session: Session, model: type[Org], raw: str, row_id: int | None) -> str:
    """The code upper-cased, refused when malformed or another row's."""
    code = str(raw or "").strip().upper()
    if not CODE.match(code):
        raise ValidationError("onboard.bad_code", field="org_code")
    other = session.exec(select(model).where(col(model.code) == code)).first()
    if other is not None and other.id != row_id:
        raise ValidationError("onboard.code_taken", field="org_code", code=code)
    return code


def _optional_phone(raw: str | None) -> str | None:
    return v.normalise_phone(raw) if str(raw or "").strip() else None


def clean_admin(session: Session, admin: FirstAdmin) -> dict[str, Any]:
    username = str(admin.username or "").strip()
    if not USERNAME.match(username):
        raise ValidationError("onboard.bad_username", field="username")
    phone = _optional_phone(admin.phone)
    for login in filter(None, (username, phone)):
        if find_account(session=session, login=login) is not None:
            raise ValidationError("onboard.login_taken", field="username", login=login)
    return {
        "name": v.clean_name(admin.name),
        "username": username,
        "phone": phone,
        "password_hash": hash_secret(v.clean_password(admin.password)),
    }


def new_account(session: Session, kind: AccountKind, admin: dict[str, Any]) -> Account:
    account = Account(
        username=admin["username"],
        phone=admin["phone"],
        display_name=admin["name"],
        password_hash=admin["password_hash"],
        kind=kind.value,
    )
    session.add(account)
    session.flush()
    return account


def grant_role(session: Session, account: Account, role: str, **target: Any) -> None:
    roles = ensure_builtin_roles(session=session)
    scope = GrantScope.tenant if "tenant_id" in target else GrantScope.provider
    session.add(
        RoleGrant(account_id=pk(account), role_id=pk(roles[role]), scope=scope.value, **target)
    )
    session.flush()


def record_change(
    session: Session,
    action: str,
    entity: str,
    row_id: int,
    actor: Actor,
    *,
    tenant_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        action=action,
        entity=entity,
        entity_id=row_id,
        tenant_id=tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        after=after,
        ip=actor.ip,
    )


# --- providers -----------------------------------------------------------------------------


def _provider_values(
    session: Session, fields: ProviderFields, row_id: int | None
) -> dict[str, Any]:
    code = _unique_code(session, ServiceProvider, fields.code, row_id)
    return {
        "code": code,
        "name": _line(fields.name, "provider", 120),
        "contact_name": _line(fields.contact_name, "contact_name", 60, required=False),
        "contact_phone": _optional_phone(fields.contact_phone),
    }


def create_provider(
    *,
    session: Session,
    scope: TenantScope,
    fields: ProviderFields,
    admin: FirstAdmin,
    actor: Actor,
) -> ServiceProvider:
    """A provider and its first admin (a provider account holding `provider_admin`)."""
    require_platform(scope)
    values = _provider_values(session, fields, None)
    person = clean_admin(session, admin)
    provider = ServiceProvider(**values)
    session.add(provider)
    session.flush()
    account = new_account(session, AccountKind.provider, person)
    session.add(
        ProviderStaff(
            provider_id=pk(provider),
            account_id=pk(account),
            name=person["name"],
            phone=person["phone"],
            role=ProviderStaffRole.admin.value,
        )
    )
    grant_role(session, account, "provider_admin", provider_id=pk(provider))
    after = snapshot(provider) | {"admin": person["username"]}
    record_change(session, "provider.create", "service_provider", pk(provider), actor, after=after)
    return provider


def update_provider(
    *,
    session: Session,
    scope: TenantScope,
    provider_id: int,
    fields: ProviderFields,
    status: str,
    actor: Actor,
) -> ServiceProvider:
    require_platform(scope)
    provider = session.get(ServiceProvider, provider_id)
    if provider is None:
        raise ValidationError("onboard.no_provider", field="provider")
    if status not in {s.value for s in Status}:
        raise ValidationError(field="status")
    values = _provider_values(session, fields, provider.id) | {"status": status}
    before = snapshot(provider)
    for key, value in values.items():
        setattr(provider, key, value)
    session.flush()
    record_change(
        session,
        "provider.update",
        "service_provider",
        pk(provider),
        actor,
        before=before,
        after=snapshot(provider),
    )
    return provider


# --- tenants -------------------------------------------------------------------------------


def _tenant_values(session: Session, fields: TenantFields, row_id: int | None) -> dict[str, Any]:
    code = _unique_code(session, Tenant, fields.code, row_id)
    try:
        ZoneInfo(str(fields.timezone or ""))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("onboard.bad_timezone", field="timezone") from None
    if fields.locale not in LOCALES:
        raise ValidationError(field="locale")
    start, end = fields.contract_start, fields.contract_end
    if start and end and end < start:
        raise ValidationError("onboard.contract_ends_first", field="contract_end")
    if fields.provider_id is not None and session.get(ServiceProvider, fields.provider_id) is None:
        raise ValidationError("onboard.no_provider", field="provider")
    if fields.status not in {s.value for s in TenantStatus}:
        raise ValidationError(field="status")
    return {
        "code": code,
        "name": _line(fields.name, "tenant", 120),
        "legal_name": _line(fields.legal_name, "legal_name", 160, required=False),
        "timezone": fields.timezone,
        "contract_start": start,
        "contract_end": end,
        "provider_id": fields.provider_id,
        "status": fields.status,
    }


def _tenant_view(tenant: Tenant) -> dict[str, Any]:
    return snapshot(tenant) | {"locale": tenant_locale(tenant)}


def tenant_locale(tenant: Tenant) -> str:
    locale = (tenant.settings or {}).get("locale")
    return locale if locale in LOCALES else LOCALES[0]


def create_tenant(
    *,
    session: Session,
    scope: TenantScope,
    fields: TenantFields,
    admin: FirstAdmin,
    actor: Actor,
) -> Tenant:
    """A tenant, its provider, and its first admin: a person of the tenant with a sign-in
    holding `tenant_admin` (who then adds cabinets, people and rules from the console)."""
    require_platform(scope)
    values = _tenant_values(session, fields, None)
    person = clean_admin(session, admin)
    tenant = Tenant(**values, settings={"locale": fields.locale})
    session.add(tenant)
    session.flush()
    account = new_account(session, AccountKind.tenant, person)
    session.add(
        User(
            tenant_id=pk(tenant), name=person["name"], phone=person["phone"], account_id=account.id
        )
    )
    grant_role(session, account, "tenant_admin", tenant_id=pk(tenant))
    after = _tenant_view(tenant) | {"admin": person["username"]}
    record_change(
        session, "tenant.create", "tenant", pk(tenant), actor, tenant_id=tenant.id, after=after
    )
    return tenant


def update_tenant(
    *, session: Session, scope: TenantScope, tenant_id: int, fields: TenantFields, actor: Actor
) -> Tenant:
    """Its details, provider and status; a change of status is announced (walls, cabinets)."""
    require_platform(scope)
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise ValidationError("onboard.no_tenant", field="tenant")
    values = _tenant_values(session, fields, tenant.id)
    before = _tenant_view(tenant)
    for key, value in values.items():
        setattr(tenant, key, value)
    tenant.settings = dict(tenant.settings or {}) | {"locale": fields.locale}
    session.flush()
    after = _tenant_view(tenant)
    record_change(
        session,
        "tenant.update",
        "tenant",
        pk(tenant),
        actor,
        tenant_id=tenant.id,
        before=before,
        after=after,
    )
    if before["status"] != tenant.status:
        announce(session, pk(tenant), "wall", change=f"tenant_{tenant.status}")
        announce(session, pk(tenant), "tenant", change=tenant.status)
    return tenant
