"""The "SSO only" rule as password sign-in reads it: imports only tables, so the identity
service can ask it without depending on the rest of single sign-on."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.auth.models import Account, AccountKind, Permission, RoleGrant, RolePermission
from app.sso.models import SsoIssuer
from app.tenants.models import Tenant

# Permissions every employee holds (the phone page's); anyone with more is an admin here.
EMPLOYEE_PREFIX = "self:"


def sso_only_company(session: Session, account: Account) -> str | None:
    """The code of a company that signs `account` in only through its identity provider, or
    None. It applies to a tenant's people holding any console permission there (admins,
    managers); employees on the phone page, providers' staff and the platform's operators keep
    their passwords."""
    if account.kind != AccountKind.tenant.value:
        return None
    statement = (
        select(Tenant.code)
        .join(SsoIssuer, col(SsoIssuer.tenant_id) == Tenant.id)
        .join(RoleGrant, col(RoleGrant.tenant_id) == Tenant.id)
        .join(RolePermission, col(RolePermission.role_id) == RoleGrant.role_id)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(
            RoleGrant.account_id == account.id,
            col(SsoIssuer.sso_only).is_(True),
            col(Permission.code).not_like(EMPLOYEE_PREFIX + "%"),
        )
        .limit(1)
    )
    return session.exec(statement).first()
