"""The console's "open to restock" (app/withdrawals/opening.restock_by): the signed-in account's
own provider staff record opens the cabinet for a restock; any other account is refused."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.db import session_scope
from app.core.errors import PermissionDeniedError
from app.core.tenancy import TenantScope
from app.tenants.models import ProviderStaff
from app.withdrawals.models import DoorSession
from app.withdrawals.services.opening import restock_by
from tests.hardware.harness import provisioned
from tests.withdrawals.test_door_sessions import _provider_staff


def test_a_staff_account_opens_to_restock_and_a_tenant_account_is_refused() -> None:
    _, cabinet_id = provisioned()
    staff_id = _provider_staff(cabinet_id)
    with session_scope() as session:
        cabinet = session.get(Cabinet, cabinet_id)
        cabinet.is_online = True
        scope = TenantScope.single(cabinet.tenant_id)
        with pytest.raises(PermissionDeniedError) as refused:
            restock_by(
                session=session,
                scope=scope,
                cabinet_id=cabinet_id,
                actor=Actor(account_id=None, name="nobody"),
            )
        assert refused.value.key == "restock.not_serving"
        assert not session.exec(
            select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        ).all()
        account_id = session.get(ProviderStaff, staff_id).account_id
        door = restock_by(
            session=session,
            scope=scope,
            cabinet_id=cabinet_id,
            actor=Actor(account_id=account_id, name="赵师傅"),
        )
        assert (door.purpose, door.provider_staff_id, door.user_id) == ("restock", staff_id, None)
