"""The phone: opening a cabinet by its QR code with the badge's checks (a refusal says why in the
person's language), only cabinets of their own tenant, and their visits with what was recorded."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.cabinets.models import DeviceCommand
from app.core.errors import NotFoundError, ValidationError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.withdrawals.models import AuthMethod
from app.withdrawals.services.commit import commit
from app.withdrawals.services.phone import at_cabinet, my_visits, open_by_phone
from app.withdrawals.services.sessions import open_door
from tests.factories import make_account, make_cabinet, make_tenant, make_user
from tests.withdrawals.test_corrections import CLOSED, _world


def _account(session: Session, person) -> int:
    account = make_account(
        session, f"p{person.id}-{person.tenant_id}", display_name=person.name, kind="tenant"
    )
    person.account_id = account.id
    session.flush()
    return account.id


def test_open_by_phone_with_the_same_checks_and_see_the_visit(session: Session) -> None:
    tenant, cabinet, person, things, _rule = _world(session)
    account_id = _account(session, person)
    scope = TenantScope.single(tenant.id)
    with pytest.raises(ValidationError) as offline:
        open_by_phone(
            session=session, scope=scope, account_id=account_id, cabinet_code=cabinet.code
        )
    assert offline.value.key == "door.refused_cabinet_offline"
    assert "离线" in t(offline.value.key, "zh-CN")
    cabinet.is_online = True
    door = open_by_phone(
        session=session, scope=scope, account_id=account_id, cabinet_code=cabinet.code
    )
    assert door.auth_method == "qr" and door.status == "unlocking"
    (unlock,) = session.exec(select(DeviceCommand).where(DeviceCommand.cabinet_id == cabinet.id))
    assert unlock.payload["by"] == {"method": "qr", "ref": f"u{person.id}"}
    with pytest.raises(ValidationError) as busy:
        open_by_phone(
            session=session, scope=scope, account_id=account_id, cabinet_code=cabinet.code
        )
    assert busy.value.key == "door.refused_cabinet_busy"
    a1, pen = things["A1"]
    door.status, door.closed_at = "committed", CLOSED
    commit(session, cabinet, door, [(a1, pen, 2)])
    (visit,) = my_visits(session=session, scope=scope, account_id=account_id)
    assert (visit.cabinet, visit.status, visit.lines) == (
        cabinet.name,  # what the person reads on the cabinet, not its code
        "committed",
        [(pen.name, 2, 2 * 150)],
    )


def test_another_tenants_cabinet_does_not_exist_for_them(session: Session) -> None:
    tenant, _cabinet, person, _things, _rule = _world(session)
    elsewhere = make_cabinet(session, make_tenant(session))
    elsewhere.is_online = True
    with pytest.raises(NotFoundError):
        open_by_phone(
            session=session,
            scope=TenantScope.single(tenant.id),
            account_id=_account(session, person),
            cabinet_code=elsewhere.code,
        )


def test_at_the_cabinet_their_own_open_door_is_not_someone_else(session: Session) -> None:
    """The cabinet page's facts: the person's own unlocking door is their visit; only another
    person's open door makes the cabinet busy."""
    tenant, cabinet, person, _things, _rule = _world(session)
    account_id = _account(session, person)
    scope = TenantScope.single(tenant.id)
    cabinet.is_online = True
    here = at_cabinet(session=session, scope=scope, account_id=account_id, code=cabinet.code)
    assert (here.visits, here.others_inside) == ([], False)
    door = open_by_phone(
        session=session, scope=scope, account_id=account_id, cabinet_code=cabinet.code
    )
    here = at_cabinet(session=session, scope=scope, account_id=account_id, code=cabinet.code)
    assert here.others_inside is False
    assert [(v.door_session_id, v.status) for v in here.visits] == [(door.id, "unlocking")]
    door.status = "expired"
    colleague = make_user(session, tenant, "李娜")
    open_door(
        session,
        cabinet,
        method=AuthMethod.card,
        by={"method": "card", "ref": "c"},
        actor=Actor(account_id=None, name=colleague.name),
        user_id=colleague.id,
    )
    here = at_cabinet(session=session, scope=scope, account_id=account_id, code=cabinet.code)
    assert here.others_inside is True
    assert here.cabinet.name == cabinet.name
