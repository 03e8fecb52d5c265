"""Several policies saved together: every value is checked first (the first out of range is
named, nothing changes), then each change is set and audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.tenants.services.policies import WholeNumber, set_whole_numbers, whole_number
from tests.factories import make_tenant

DOOR = WholeNumber("door_open_limit_s", 300, 60, 1800)
VISIT = WholeNumber("max_per_visit", 10, 1, 100)
ADMIN = Actor(account_id=None, name="管理员")


def test_all_or_nothing_and_each_change_audited(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    with pytest.raises(ValidationError) as refused:
        set_whole_numbers(
            session=session, scope=scope, tenant_id=tenant.id, values={VISIT: 12, DOOR: 5},
            actor=ADMIN,
        )  # fmt: skip
    assert refused.value.params["field"] == "door_open_limit_s"
    assert whole_number(session, tenant.id, VISIT) == 10  # nothing changed
    set_whole_numbers(
        session=session, scope=scope, tenant_id=tenant.id, values={VISIT: 12, DOOR: 300},
        actor=ADMIN,
    )  # fmt: skip
    assert whole_number(session, tenant.id, VISIT) == 12
    logged = session.exec(select(AuditLog).where(AuditLog.action == "tenant.settings")).all()
    assert [entry.after for entry in logged] == [{"max_per_visit": 12}]  # the default unchanged
    other = TenantScope.single(make_tenant(session, "别家").id)
    with pytest.raises(Exception):  # noqa: B017 - out of scope: refused whatever its type
        set_whole_numbers(
            session=session, scope=other, tenant_id=tenant.id, values={VISIT: 3}, actor=ADMIN
        )
    assert whole_number(session, tenant.id, VISIT) == 12
