"""The API keys page's read model: a company's keys, and — for its provider's admins only —
the provider's own keys, named by the provider."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.apikeys.queries import administered_provider, list_keys
from app.apikeys.service import create_key
from app.audit.services.records import Actor
from app.core.tenancy import TenantScope
from app.tenants.models import ProviderStaff, ProviderStaffRole, ServiceProvider
from tests.factories import make_account, make_service_provider, make_tenant

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="admin")


def _staff(session: Session, provider: ServiceProvider, name: str, role: str, active=True) -> int:
    account = make_account(session, name, display_name=name, kind="provider")
    session.add(ProviderStaff(provider_id=provider.id, account_id=account.id, name=name,
                              role=role, is_active=active))  # fmt: skip
    session.flush()
    return account.id


def _key(session: Session, name: str, **owner) -> None:
    create_key(session=session, scope=TenantScope.platform(), name=name, scopes=["items:read"],
               expires_at=None, actor=ADMIN, now=NOW, **owner)  # fmt: skip


def test_a_providers_admin_sees_its_own_keys_beside_the_companys(session: Session) -> None:
    provider = make_service_provider(session, "P-Q", "服务商乙")
    other = make_service_provider(session, "P-R", "服务商丙")
    tenant = make_tenant(session)
    admin = _staff(session, provider, "p-admin", ProviderStaffRole.admin.value)
    clerk = _staff(session, provider, "p-clerk", ProviderStaffRole.staff.value)
    gone = _staff(session, provider, "p-gone", ProviderStaffRole.admin.value, active=False)
    _key(session, "企业的", tenant_id=tenant.id)
    _key(session, "服务商的", tenant_id=None, provider_id=provider.id)
    _key(session, "别家服务商的", tenant_id=None, provider_id=other.id)
    assert administered_provider(session, admin) == provider.id
    assert administered_provider(session, clerk) is None
    assert (
        administered_provider(session, gone) is None
        and administered_provider(session, None) is None
    )
    scope = TenantScope.single(tenant.id)
    rows = list_keys(session=session, scope=scope, provider_id=provider.id)
    assert [(r.name, r.owner) for r in rows] == [("服务商的", "服务商乙"), ("企业的", "")]
    assert [r.name for r in list_keys(session=session, scope=scope)] == ["企业的"]
