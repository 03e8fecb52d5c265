"""Onboarding from the console: the platform creates a provider and a tenant, each with a first
admin who can sign in; codes, logins, time zones and contract dates are checked with the field
named; a suspended tenant's people cannot open its cabinets, its offline leases are empty and
its walls go dark, its data kept; a provider admin manages their own staff only."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.services.auth import sign_in
from app.auth.services.principal import resolve_principal
from app.cabinets.services.lease import lease_arguments
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.tenants.models import ProviderStaffTenant, Tenant
from app.tenants.services import onboarding as svc
from app.tenants.services import staff as staff_svc
from app.wall import service as wall
from app.withdrawals.services.sessions import refusal
from tests.factories import make_cabinet, make_tenant, make_user

OPERATOR = Actor(account_id=None, name="平台运营")
PLATFORM = TenantScope.platform()
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _provider(session: Session, code: str = "SP-NEW", username: str = "new_admin"):
    return svc.create_provider(
        session=session,
        scope=PLATFORM,
        fields=svc.ProviderFields(code=code, name="新服务商", contact_name="王立"),
        admin=svc.FirstAdmin(name="王立", username=username, password="Start2026x"),
        actor=OPERATOR,
    )


def _tenant(session: Session, provider_id: int | None, code: str = "TN-NEW", **extra) -> Tenant:
    fields = {"code": code, "name": "新客户有限公司", "provider_id": provider_id} | extra
    return svc.create_tenant(
        session=session,
        scope=PLATFORM,
        fields=svc.TenantFields(**fields),
        admin=svc.FirstAdmin(
            name="李静", username=f"{code.lower()}_admin", password="Start2026x", phone=None
        ),
        actor=OPERATOR,
    )


def _principal(session: Session, login: str):
    signed = sign_in(session=session, login=login, password="Start2026x", ip="127.0.0.1", now=NOW)
    return resolve_principal(session=session, session_id=signed.session_id, now=NOW)


def test_a_provider_and_a_tenant_each_get_a_first_admin_who_signs_in(session: Session) -> None:
    provider = _provider(session)
    tenant = _tenant(
        session,
        provider.id,
        legal_name="新客户（上海）有限公司",
        locale="en",
        contract_start=date(2026, 12, 1),
        contract_end=date(2027, 11, 30),
    )
    assert (tenant.status, tenant.settings["locale"]) == ("trial", "en")
    admin = _principal(session, "tn-new_admin")
    assert admin.visible.tenant_ids == frozenset({tenant.id})
    assert admin.can("cabinet:provision") and admin.can("policy:write")
    assert not admin.can("tenant:onboard")
    provider_admin = _principal(session, "new_admin")
    assert provider_admin.visible.tenant_ids == frozenset({tenant.id})  # its provider's tenants
    assert provider_admin.can("provider:staff") and not provider_admin.can("provider:write")
    actions = set(session.exec(select(AuditLog.action)).all())
    assert {"provider.create", "tenant.create"} <= actions


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "x"}, "org_code"),
        ({"code": "TN-XY"}, "org_code"),  # taken below
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"locale": "fr"}, "locale"),
        ({"contract_start": date(2027, 1, 1), "contract_end": date(2026, 1, 1)}, "contract_end"),
        ({"provider_id": 999_999}, "provider"),
        ({"status": "closed"}, "status"),
        ({"name": " "}, "tenant"),
    ],
)
def test_a_bad_tenant_is_refused_naming_the_field_and_nothing_is_made(
    session: Session, fields: dict, field: str
) -> None:
    make_tenant(session).code = "TN-XY"
    session.flush()
    before = len(session.exec(select(Tenant)).all())
    with pytest.raises(ValidationError) as refused:
        _tenant(session, **({"provider_id": None, "code": "TN-OK"} | fields))
    assert refused.value.params["field"] == field
    assert len(session.exec(select(Tenant)).all()) == before


def test_a_login_already_used_is_refused(session: Session) -> None:
    _provider(session)
    with pytest.raises(ValidationError) as refused:
        _provider(session, code="SP-TWO", username="new_admin")
    assert refused.value.key == "onboard.login_taken"


def test_only_the_platform_onboards(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(PermissionDeniedError):
        _provider_in = svc.create_provider(
            session=session,
            scope=TenantScope.single(tenant.id),
            fields=svc.ProviderFields(code="SP-X", name="x"),
            admin=svc.FirstAdmin(name="x", username="xx_admin", password="Start2026x"),
            actor=OPERATOR,
        )
        del _provider_in


def test_a_suspended_tenant_keeps_its_data_but_nobody_opens_its_cabinets(
    session: Session,
) -> None:
    tenant = _tenant(session, None, status="active")
    cabinet = make_cabinet(session, tenant)
    cabinet.is_online = True
    person = make_user(session, tenant)
    person.badge_card_no = "C0001234"
    display, token = wall.create_display(
        session=session, scope=PLATFORM, tenant_id=tenant.id, name="大屏", actor=OPERATOR
    )
    assert refusal(session, cabinet, person) == (None, None)
    assert lease_arguments(session, cabinet, NOW)["cards"]
    fields = svc.TenantFields(code=tenant.code, name=tenant.name, status="suspended")
    svc.update_tenant(
        session=session, scope=PLATFORM, tenant_id=tenant.id, fields=fields, actor=OPERATOR
    )
    assert refusal(session, cabinet, person)[0] == "tenant_suspended"
    assert refusal(session, cabinet, person, staff=True)[0] == "tenant_suspended"
    assert lease_arguments(session, cabinet, NOW)["cards"] == []
    assert wall.display_by_token(session=session, token=token) is None
    snapshot = wall.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert wall.token_hash(token) not in snapshot.live_displays
    assert session.get(Tenant, tenant.id) is not None and display.revoked_at is None  # kept
    back = svc.TenantFields(code=tenant.code, name=tenant.name, status="active")
    svc.update_tenant(
        session=session, scope=PLATFORM, tenant_id=tenant.id, fields=back, actor=OPERATOR
    )
    assert refusal(session, cabinet, person) == (None, None)
    assert wall.display_by_token(session=session, token=token) is not None


def test_a_provider_admin_manages_their_own_staff_and_tenants_only(session: Session) -> None:
    provider, other = _provider(session), _provider(session, "SP-OTHER", "other_admin")
    mine, theirs = _tenant(session, provider.id), _tenant(session, other.id, code="TN-THEIRS")
    admin = _principal(session, "new_admin")
    managed = staff_svc.managed_provider(session, admin.scope, admin.account_id, None)
    assert managed.id == provider.id
    with pytest.raises(PermissionDeniedError):
        staff_svc.managed_provider(session, admin.scope, admin.account_id, other.id)
    person = svc.FirstAdmin(name="赵强", username="zhao_q", password="Start2026x")
    member = staff_svc.add_staff(session=session, provider=managed, person=person, actor=OPERATOR)
    assert _principal(session, "zhao_q").visible.tenant_ids == frozenset()  # none until assigned
    with pytest.raises(ValidationError) as refused:
        staff_svc.set_staff_tenants(
            session=session,
            provider=managed,
            staff_id=member.id,
            tenant_ids={mine.id, theirs.id},
            actor=OPERATOR,
        )
    assert refused.value.params["tenant"] == theirs.id
    assert session.exec(select(ProviderStaffTenant)).all() == []  # nothing changed
    staff_svc.set_staff_tenants(
        session=session, provider=managed, staff_id=member.id, tenant_ids={mine.id}, actor=OPERATOR
    )
    assert _principal(session, "zhao_q").visible.tenant_ids == frozenset({mine.id})
    views = {v.username: v for v in staff_svc.list_staff(session, provider.id)}
    assert views["zhao_q"].tenant_ids == (mine.id,) and views["new_admin"].role == "admin"
    signed = sign_in(session=session, login="zhao_q", password="Start2026x", ip="1.1.1.1", now=NOW)
    staff_svc.set_staff_active(
        session=session, provider=managed, staff_id=member.id, active=False, actor=OPERATOR
    )
    assert resolve_principal(session=session, session_id=signed.session_id, now=NOW) is None
    (only_admin,) = [v for v in views.values() if v.role == "admin"]
    with pytest.raises(ValidationError) as refused:
        staff_svc.set_staff_active(
            session=session, provider=managed, staff_id=only_admin.id, active=False, actor=OPERATOR
        )
    assert refused.value.key == "onboard.last_admin"
