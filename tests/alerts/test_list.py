"""The alerts page's list: by status and kind, newest first, keyset pages, one tenant only."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.alerts.service import acknowledge, list_alerts, raise_once, resolve
from app.audit.services.records import Actor
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from tests.factories import make_cabinet, make_tenant


def test_alerts_by_status_kind_and_page(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    made = [
        raise_once(
            session=session,
            tenant_id=tenant.id,
            kind="low_stock" if n % 2 else "cabinet_offline",
            root_key=f"case:{n}",
            message_key="alert.low_stock",
            params={},
        )
        for n in range(5)
    ]
    raise_once(
        session=session,
        tenant_id=other.id,
        kind="low_stock",
        root_key="case:0",
        message_key="alert.low_stock",
        params={},
    )
    acknowledge(session=session, scope=scope, alert_id=made[1].id, actor=Actor(None, "管理员"))
    resolve(session=session, tenant_id=tenant.id, root_key="case:2")

    def ids(**kwargs) -> list[int]:
        return [a.id for a in list_alerts(session=session, scope=scope, **kwargs).rows]

    newest_first = [a.id for a in reversed(made)]
    assert ids(status="all") == newest_first
    assert ids() == [i for i in newest_first if i != made[2].id]  # unresolved
    assert ids(status="acknowledged") == [made[1].id]
    assert ids(status="resolved") == [made[2].id]
    assert ids(status="all", kind="low_stock") == [made[3].id, made[1].id]
    first = list_alerts(session=session, scope=scope, status="all", limit=3)
    rest = list_alerts(
        session=session, scope=scope, status="all", limit=3, after_id=first.next_after_id
    )
    assert [a.id for a in first.rows + rest.rows] == newest_first and rest.next_after_id is None
    with pytest.raises(ValidationError):
        list_alerts(session=session, scope=scope, status="loud")


def test_each_alert_names_its_cabinet_with_its_code(session: Session) -> None:
    """Cabinet names repeat across sites: the alerts page shows the code beside the name."""
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    for n, cabinet_id in enumerate((cabinet.id, None)):
        raise_once(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinet_id,
            kind="cabinet_offline",
            root_key=f"offline:{n}",
            message_key="alert.low_stock",
            params={},
        )
    rows = list_alerts(session=session, scope=TenantScope.single(tenant.id)).rows
    assert [a.cabinet for a in rows] == ["", f"{cabinet.name} ({cabinet.code})"]
