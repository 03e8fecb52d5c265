"""Read models of the platform's pages: tenants and providers as their lists show them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from sqlmodel import Session, col, select

from app.auth.models import Account, Permission, RoleGrant, RolePermission
from app.cabinets.models import Cabinet, CabinetStatus
from app.core.days import DEFAULT_TIMEZONE
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.org.models import User
from app.tenants.models import ProviderStaff, ServiceProvider, Tenant
from app.tenants.services.onboarding import tenant_locale


def _day(value: date | datetime | None) -> str:
    return value.isoformat() if value else ""


class TenantRow(TypedDict):
    id: int
    code: str
    name: str
    legal_name: str
    provider: str
    provider_id: str  # as the dialog's select holds it ("" without one)
    status: str
    timezone: str
    locale: str
    contract_start: str  # ISO day, or ""
    contract_end: str
    cabinets: int
    people: int


class ProviderRow(TypedDict):
    id: int
    code: str
    name: str
    contact_name: str
    contact_phone: str
    status: str
    tenants: int
    staff: int


@dataclass(frozen=True)
class TenantOption:
    id: int
    name: str


def scope_timezone(*, session: Session, scope: TenantScope) -> str:
    """The tenant's time zone when the scope is one tenant, else the platform default."""
    if scope.tenant_ids is None or len(scope.tenant_ids) != 1:
        return DEFAULT_TIMEZONE
    tenant = session.get(Tenant, next(iter(scope.tenant_ids)))
    return tenant.timezone if tenant else DEFAULT_TIMEZONE


def list_tenant_options(*, session: Session, scope: TenantScope) -> list[TenantOption]:
    """Tenants the caller may switch between, by name."""
    statement = select(Tenant.id, Tenant.name).order_by(Tenant.name)
    if scope.tenant_ids is not None:
        statement = statement.where(col(Tenant.id).in_(sorted(scope.tenant_ids)))
    return [
        TenantOption(id=tenant_id, name=name)
        for tenant_id, name in session.exec(statement)
        if tenant_id is not None
    ]


def tenant_by_code(session: Session, code: str | None) -> Tenant | None:
    """The company with this code (as people and systems type it: trimmed), or None."""
    code = (code or "").strip()[:32]
    return session.exec(select(Tenant).where(Tenant.code == code)).first() if code else None


def tenant_rows(session: Session) -> list[TenantRow]:
    """Every tenant with its provider, status, contract and how many cabinets and people."""
    providers = {p.id: p.name for p in session.exec(select(ServiceProvider))}
    cabinets = Counter(
        session.exec(
            select(Cabinet.tenant_id).where(Cabinet.status != CabinetStatus.retired.value)
        ).all()
    )
    people = Counter(session.exec(select(User.tenant_id).where(User.is_active)).all())
    return [
        TenantRow(
            id=pk(t),
            code=t.code,
            name=t.name,
            legal_name=t.legal_name or "",
            provider=providers.get(t.provider_id, ""),
            provider_id=str(t.provider_id or ""),
            status=t.status,
            timezone=t.timezone,
            locale=tenant_locale(t),
            contract_start=_day(t.contract_start),
            contract_end=_day(t.contract_end),
            cabinets=cabinets[pk(t)],
            people=people[pk(t)],
        )
        for t in session.exec(select(Tenant).order_by(Tenant.code))
    ]


def provider_rows(session: Session) -> list[ProviderRow]:
    """Every provider with its contact, status and how many tenants and staff it has."""
    tenants = Counter(
        session.exec(select(Tenant.provider_id).where(col(Tenant.provider_id).is_not(None))).all()
    )
    staff = Counter(
        session.exec(select(ProviderStaff.provider_id).where(ProviderStaff.is_active)).all()
    )
    return [
        ProviderRow(
            id=pk(p),
            code=p.code,
            name=p.name,
            contact_name=p.contact_name or "",
            contact_phone=p.contact_phone or "",
            status=p.status,
            tenants=tenants[p.id],
            staff=staff[pk(p)],
        )
        for p in session.exec(select(ServiceProvider).order_by(ServiceProvider.code))
    ]


def holders_of(session: Session, tenant_id: int, permission: str) -> list[str]:
    """The names of the tenant's people whose roles grant `permission` (e.g. who may unmask)."""
    rows = session.exec(
        select(Account.display_name)
        .join(RoleGrant, col(RoleGrant.account_id) == Account.id)
        .join(RolePermission, col(RolePermission.role_id) == RoleGrant.role_id)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(
            RoleGrant.tenant_id == tenant_id,
            Permission.code == permission,
            Account.is_active,
        )
        .distinct()
    ).all()
    return sorted(rows)


class CompanyLine(TypedDict):
    code: str  # what `?tenant=` names
    name: str
    status: str


def companies_in(session: Session, scope: TenantScope) -> list[CompanyLine]:
    """The companies a scope reaches, by code (an API key's: its own, or its provider's)."""
    statement = select(Tenant).order_by(col(Tenant.code))
    if scope.tenant_ids is not None:
        statement = statement.where(col(Tenant.id).in_(sorted(scope.tenant_ids)))
    return [CompanyLine(code=t.code, name=t.name, status=t.status) for t in session.exec(statement)]
