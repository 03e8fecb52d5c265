"""Who is calling: the account behind a session, its permissions and its tenant scope.

Resolved on the server for every protected event and route, from the session named in the
token — never from anything the browser says about itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.auth.models import (
    Account,
    AccountKind,
    AuthSession,
    GrantScope,
    Permission,
    RoleGrant,
    RolePermission,
)
from app.core.errors import PermissionDeniedError
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope
from app.org.models import User
from app.tenants.models import ProviderStaff, ProviderStaffRole, ProviderStaffTenant, Tenant


@dataclass(frozen=True)
class Principal:
    account_id: int
    session_id: str
    username: str
    display_name: str
    kind: str
    permissions: frozenset[str]
    visible: TenantScope  # every tenant this person may work in
    active_tenant_id: int | None  # the one chosen in the header (None: all visible)
    user_id: int | None = None  # the app_user row of a tenant person

    @property
    def scope(self) -> TenantScope:
        """The scope services get: the active tenant if one is chosen, else all visible."""
        return self.visible.narrow(self.active_tenant_id)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionDeniedError("error.permission_denied", permission=permission)


def _permissions(session: Session, account_id: int) -> frozenset[str]:
    statement = (
        select(Permission.code)
        .join(RolePermission, col(RolePermission.permission_id) == Permission.id)
        .join(RoleGrant, col(RoleGrant.role_id) == RolePermission.role_id)
        .where(RoleGrant.account_id == account_id)
    )
    return frozenset(session.exec(statement))


def _visible_tenants(session: Session, account: Account) -> TenantScope:
    grants = list(session.exec(select(RoleGrant).where(RoleGrant.account_id == account.id)))
    if account.kind == AccountKind.platform.value and any(
        g.scope == GrantScope.platform.value for g in grants
    ):
        return TenantScope.platform()
    tenant_ids = {g.tenant_id for g in grants if g.scope == GrantScope.tenant.value and g.tenant_id}
    if account.kind == AccountKind.provider.value:
        staff = session.exec(
            select(ProviderStaff).where(ProviderStaff.account_id == account.id)
        ).first()
        if staff is not None and staff.is_active:
            if staff.role == ProviderStaffRole.admin.value:
                managed = select(Tenant.id).where(Tenant.provider_id == staff.provider_id)
            else:  # 业务员: only the companies assigned to them
                managed = select(ProviderStaffTenant.tenant_id).where(
                    ProviderStaffTenant.staff_id == staff.id
                )
            tenant_ids |= {i for i in session.exec(managed) if i is not None}
    return TenantScope.of(tenant_ids)


def resolve_principal(
    *, session: Session, session_id: str, now: datetime | None = None
) -> Principal | None:
    """The principal of a live session, or None (revoked, expired, account disabled)."""
    now = now or datetime.now(UTC)
    row = session.get(AuthSession, session_id)
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        return None
    account = session.get(Account, row.account_id)
    if account is None or not account.is_active:
        return None
    visible = _visible_tenants(session, account)
    active = (
        row.active_tenant_id
        if row.active_tenant_id and visible.allows(row.active_tenant_id)
        else None
    )
    if active is None and visible.tenant_ids is not None and len(visible.tenant_ids) == 1:
        active = next(iter(visible.tenant_ids))
    user_id = session.exec(select(User.id).where(User.account_id == account.id)).first()
    return Principal(
        account_id=pk(account),
        session_id=row.id,
        username=account.username,
        display_name=account.display_name,
        kind=account.kind,
        permissions=_permissions(session, pk(account)),
        visible=visible,
        active_tenant_id=active,
        user_id=user_id,
    )


def switch_tenant(*, session: Session, principal: Principal, tenant_id: int | None) -> None:
    """Work in one of the visible tenants (or all of them: None)."""
    if tenant_id is not None:
        principal.visible.require(tenant_id)
    row = session.get(AuthSession, principal.session_id)
    if row is not None:
        row.active_tenant_id = tenant_id
        session.flush()
