"""An admin opens a cabinet from the console for someone who forgot their badge: the person is
found by employee number, phone or card; the badge's checks apply (the refusal is worded for the
admin); the door session is that person's, so what is taken is charged to them; the audit log
names the admin; another tenant's cabinet does not exist."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.models import DeviceCommand
from app.core.errors import NotFoundError, ValidationError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.org.models import User
from app.withdrawals.services.opening import unlock_for
from tests.factories import make_cabinet, make_tenant
from tests.withdrawals.test_corrections import _world

ADMIN = Actor(account_id=None, name="行政小陈")


def _unlock(session: Session, tenant_id: int, cabinet_id: int, who: str):
    return unlock_for(
        session=session,
        scope=TenantScope.single(tenant_id),
        cabinet_id=cabinet_id,
        who=who,
        actor=ADMIN,
    )


@pytest.mark.parametrize("field", ["employee_no", "phone", "badge_card_no"])
def test_unlock_for_a_person_named_by_number_phone_or_card(session: Session, field: str) -> None:
    tenant, cabinet, person, _things, _rule = _world(session)
    person.employee_no, person.phone, person.badge_card_no = "E1024", "13800001111", "C0042"
    cabinet.is_online = True
    session.flush()
    door = _unlock(session, tenant.id, cabinet.id, f" {getattr(person, field)} ")
    assert (door.user_id, door.auth_method, door.status) == (person.id, "console", "unlocking")
    (command,) = session.exec(select(DeviceCommand).where(DeviceCommand.cabinet_id == cabinet.id))
    assert (command.kind, command.payload["by"]["method"]) == ("unlock", "command")
    audit = session.exec(
        select(AuditLog).where(AuditLog.action == "door_session.remote_unlock")
    ).one()
    assert (audit.actor_name, audit.entity_id, audit.after["person"]) == (
        "行政小陈", str(door.id), person.name,
    )  # fmt: skip


def test_refusals_are_worded_for_the_admin(session: Session) -> None:
    tenant, cabinet, person, _things, _rule = _world(session)
    person.employee_no = "E1024"
    session.add(User(tenant_id=tenant.id, name="停用的人", employee_no="E0001", is_active=False))
    session.flush()
    cases = [
        ("", "error.validation"),
        ("E9999", "unlock.no_such_person"),
        ("E1024", "unlock.refused_cabinet_offline"),
    ]
    for who, key in cases:
        with pytest.raises(ValidationError) as refused:
            _unlock(session, tenant.id, cabinet.id, who)
        assert refused.value.key == key
    assert "E9999" in t("unlock.no_such_person", "zh-CN", who="E9999")
    cabinet.is_online = True
    with pytest.raises(ValidationError) as disabled:
        _unlock(session, tenant.id, cabinet.id, "E0001")
    assert disabled.value.key == "unlock.refused_person_disabled"
    _unlock(session, tenant.id, cabinet.id, "E1024")
    with pytest.raises(ValidationError) as busy:
        _unlock(session, tenant.id, cabinet.id, "E1024")
    assert busy.value.key == "unlock.refused_cabinet_busy"
    assert len(session.exec(select(DeviceCommand)).all()) == 1


def test_another_tenants_cabinet_or_person_is_out_of_reach(session: Session) -> None:
    _tenant, cabinet, person, _things, _rule = _world(session)
    person.employee_no = "E1024"
    cabinet.is_online = True
    other = make_tenant(session, "别的企业")
    theirs = make_cabinet(session, other)
    theirs.is_online = True
    session.flush()
    with pytest.raises(NotFoundError):
        _unlock(session, other.id, cabinet.id, "E1024")
    with pytest.raises(ValidationError) as nobody:  # their cabinet, our person: not theirs
        _unlock(session, other.id, theirs.id, "E1024")
    assert nobody.value.key == "unlock.no_such_person"
    assert session.exec(select(DeviceCommand)).all() == []
