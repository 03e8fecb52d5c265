"""A provider's people: its admin adds staff (业务员) with their sign-in, decides which of the
provider's tenants each serves, and switches a leaver off (their sign-in stops at once: the
principal of an inactive account resolves to nobody).

Who manages whose staff: the provider's own admins (`provider:staff`, their provider only) and
the platform (any provider)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app.audit.services.records import Actor
from app.auth.models import Account, AccountKind
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.tenants.models import (
    ProviderStaff,
    ProviderStaffRole,
    ProviderStaffTenant,
    ServiceProvider,
    Tenant,
)
from app.tenants.services.onboarding import (
    FirstAdmin,
    clean_admin,
    grant_role,
    new_account,
    record_change,
)

PERMISSION = "provider:staff"


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    username: str
    phone: str | None
    role: str
    active: bool
    tenant_ids: tuple[int, ...]


def provider_of(session: Session, account_id: int | None) -> ServiceProvider | None:
    """The provider a provider account works for (None for anyone else)."""
    if account_id is None:
        return None
    staff = session.exec(
        select(ProviderStaff).where(ProviderStaff.account_id == account_id)
    ).first()
    return session.get(ServiceProvider, staff.provider_id) if staff else None


def managed_provider(
    session: Session, scope: TenantScope, account_id: int | None, provider_id: int | None
) -> ServiceProvider:
    """The provider whose staff this caller may manage: their own, or any for the platform."""
    own = provider_of(session, account_id)
    if scope.tenant_ids is None:  # the platform picks one (the first, until it does)
        provider = (
            session.get(ServiceProvider, provider_id)
            if provider_id is not None
            else session.exec(select(ServiceProvider).order_by(ServiceProvider.code)).first()
        )
        if provider is None:
            raise ValidationError("onboard.no_provider", field="provider")
        return provider
    if own is None or (provider_id is not None and provider_id != own.id):
        raise PermissionDeniedError("error.permission_denied", permission=PERMISSION)
    return own


def provider_tenants(session: Session, provider_id: int) -> list[Tenant]:
    return list(
        session.exec(select(Tenant).where(Tenant.provider_id == provider_id).order_by(Tenant.code))
    )


def list_staff(session: Session, provider_id: int) -> list[StaffView]:
    rows = session.exec(
        select(ProviderStaff, Account)
        .join(Account, col(Account.id) == ProviderStaff.account_id)
        .where(ProviderStaff.provider_id == provider_id)
        .order_by(ProviderStaff.role, col(ProviderStaff.id))
    ).all()
    serves: dict[int, list[int]] = {}
    for link in session.exec(
        select(ProviderStaffTenant).where(
            col(ProviderStaffTenant.staff_id).in_([staff.id for staff, _ in rows])
        )
    ):
        serves.setdefault(link.staff_id, []).append(link.tenant_id)
    return [
        StaffView(
            id=pk(staff),
            name=staff.name,
            username=account.username,
            phone=staff.phone,
            role=staff.role,
            active=staff.is_active and account.is_active,
            tenant_ids=tuple(sorted(serves.get(pk(staff), []))),
        )
        for staff, account in rows
    ]


def add_staff(
    *, session: Session, provider: ServiceProvider, person: FirstAdmin, actor: Actor
) -> ProviderStaff:
    """A 业务员 with their own sign-in (provider_staff); they serve no tenant until assigned."""
    cleaned = clean_admin(session, person)
    account = new_account(session, AccountKind.provider, cleaned)
    staff = ProviderStaff(
        provider_id=pk(provider),
        account_id=pk(account),
        name=cleaned["name"],
        phone=cleaned["phone"],
        role=ProviderStaffRole.staff.value,
    )
    session.add(staff)
    session.flush()
    grant_role(session, account, "provider_staff", provider_id=pk(provider))
    after = {"name": staff.name, "username": account.username, "provider_id": provider.id}
    record_change(session, "provider_staff.create", "provider_staff", pk(staff), actor, after=after)
    return staff


def _staff_of(session: Session, provider: ServiceProvider, staff_id: int) -> ProviderStaff:
    staff = session.get(ProviderStaff, staff_id)
    if staff is None or staff.provider_id != provider.id:
        raise ValidationError("onboard.no_staff", field="staff")
    return staff


def set_staff_tenants(
    *,
    session: Session,
    provider: ServiceProvider,
    staff_id: int,
    tenant_ids: set[int],
    actor: Actor,
) -> None:
    """Exactly these of the provider's tenants are served by the staff member; a tenant of
    another provider is refused (naming it), and nothing changes."""
    staff = _staff_of(session, provider, staff_id)
    own = {t.id for t in provider_tenants(session, pk(provider))}
    foreign = sorted(tenant_ids - own)
    if foreign:
        raise ValidationError("onboard.not_your_tenant", field="tenants", tenant=foreign[0])
    before = sorted(
        session.exec(
            select(ProviderStaffTenant.tenant_id).where(ProviderStaffTenant.staff_id == staff.id)
        )
    )
    session.exec(delete(ProviderStaffTenant).where(col(ProviderStaffTenant.staff_id) == staff.id))
    session.add_all(
        ProviderStaffTenant(tenant_id=t, staff_id=pk(staff)) for t in sorted(tenant_ids)
    )
    session.flush()
    record_change(
        session,
        "provider_staff.tenants",
        "provider_staff",
        pk(staff),
        actor,
        before={"tenants": before},
        after={"tenants": sorted(tenant_ids)},
    )


def set_staff_active(
    *, session: Session, provider: ServiceProvider, staff_id: int, active: bool, actor: Actor
) -> ProviderStaff:
    """A leaver is switched off with their sign-in; a provider keeps at least one admin."""
    staff = _staff_of(session, provider, staff_id)
    if not active and staff.role == ProviderStaffRole.admin.value:
        admins = session.exec(
            select(ProviderStaff).where(
                ProviderStaff.provider_id == provider.id,
                ProviderStaff.role == ProviderStaffRole.admin.value,
                ProviderStaff.is_active,
            )
        ).all()
        if len(admins) <= 1:
            raise ValidationError("onboard.last_admin", field="staff")
    account = session.get_one(Account, staff.account_id)
    before = staff.is_active
    staff.is_active = account.is_active = active
    session.flush()
    record_change(
        session,
        "provider_staff.active",
        "provider_staff",
        pk(staff),
        actor,
        before={"active": before},
        after={"active": active},
    )
    return staff
