"""Who sees which tenants: operator all, provider admin its tenants, 业务员 assigned ones."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.auth.services.auth import sign_in, sign_out
from app.auth.services.principal import resolve_principal, switch_tenant
from app.core.errors import PermissionDeniedError
from app.demo.services.catalogue import DEMO_PASSWORD
from app.demo.services.demo import seed_demo
from app.tenants.models import ServiceProvider, Tenant


def _principal(session: Session, username: str):
    signed = sign_in(session=session, login=username, password=DEMO_PASSWORD, ip="127.0.0.1")
    return resolve_principal(session=session, session_id=signed.session_id)


def test_each_kind_of_person_sees_exactly_their_tenants(session: Session) -> None:
    seed_demo(session=session)
    tenants = {t.code: t for t in session.exec(select(Tenant))}
    huaxin = session.exec(select(ServiceProvider).where(ServiceProvider.code == "SP-HX")).one()

    operator = _principal(session, "operator")
    assert (
        operator.visible.is_platform
        and operator.can("tenant:write")
        and operator.can("audit:unmask")
    )

    provider_admin = _principal(session, "hx_admin")
    managed = {t.id for t in tenants.values() if t.provider_id == huaxin.id}
    assert provider_admin.visible.tenant_ids == frozenset(managed) and len(managed) == 2
    assert not provider_admin.can("audit:unmask")

    staff = _principal(session, "hx_staff")
    assert staff.visible.tenant_ids and staff.visible.tenant_ids <= frozenset(managed)
    assert staff.can("workorder:write") and not staff.can("user:write")

    admin = _principal(session, "xy_admin")
    assert admin.visible.tenant_ids == frozenset({tenants["TN-XY"].id})
    assert admin.active_tenant_id == tenants["TN-XY"].id and admin.can("user:import")

    employee = _principal(session, "xy_employee")
    assert employee.permissions == frozenset({"self:withdraw", "self:request"})
    assert employee.user_id is not None


def test_a_provider_switches_only_between_its_own_tenants(session: Session) -> None:
    seed_demo(session=session)
    tenants = {t.code: t for t in session.exec(select(Tenant))}
    provider_admin = _principal(session, "hx_admin")
    assert provider_admin.active_tenant_id is None  # two tenants: "all of mine" by default

    switch_tenant(session=session, principal=provider_admin, tenant_id=tenants["TN-HT"].id)
    switched = resolve_principal(session=session, session_id=provider_admin.session_id)
    assert switched.scope.tenant_ids == frozenset({tenants["TN-HT"].id})

    with pytest.raises(PermissionDeniedError):
        switch_tenant(session=session, principal=switched, tenant_id=tenants["TN-LM"].id)


def test_a_revoked_session_or_disabled_account_has_no_principal(session: Session) -> None:
    seed_demo(session=session)
    admin = _principal(session, "xy_admin")
    sign_out(session=session, session_id=admin.session_id)
    assert resolve_principal(session=session, session_id=admin.session_id) is None
    assert resolve_principal(session=session, session_id="no-such-session") is None
