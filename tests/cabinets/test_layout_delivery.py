"""What a cabinet away must be told when it is back: a slot layout (`cmd.config`) that never got
through (but never re-sent in a loop to a cabinet online that does not acknowledge), and the
empty offline lease of a maintenance that began while it was away."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.cabinets.models import Cabinet
from app.cabinets.services import provisioning
from app.cabinets.services.commands import prepare_sends, record_ack
from app.cabinets.services.lease import sync_lease
from app.cabinets.services.presence import heard_from
from app.core.tenancy import TenantScope
from app.workorders.models import WorkOrder
from tests.cabinets.test_provisioning import ADMIN, NOW, _configs, _configs_of_kind, _register
from tests.factories import make_tenant, make_user

LATER = timedelta(minutes=10)  # past every resend, expiry and give-up of § 6


def test_a_layout_lost_while_away_goes_again_and_one_ignored_online_does_not(
    session: Session,
) -> None:
    cabinet = session.get(Cabinet, _register(session, make_tenant(session)).cabinet_id)
    heard_from(session=session, cabinet=cabinet, now=NOW)
    (first,) = _configs(session, cabinet.id)
    assert len(prepare_sends(session=session, now=NOW)) >= 1  # sent; never acknowledged
    cabinet.is_online = False  # and the cabinet went away
    prepare_sends(session=session, now=NOW + LATER)
    assert first.status in ("expired", "failed") and cabinet.config_due
    heard_from(session=session, cabinet=cabinet, now=NOW + 2 * LATER)  # back: sent again
    _, second = _configs(session, cabinet.id)
    assert second.payload["version"] == 2 and not cabinet.config_due

    prepare_sends(session=session, now=NOW + 2 * LATER)
    prepare_sends(session=session, now=NOW + 3 * LATER)  # online, silent: a person is told
    assert second.status in ("expired", "failed") and not cabinet.config_due
    heard_from(session=session, cabinet=cabinet, now=NOW + 4 * LATER)
    assert len(_configs(session, cabinet.id)) == 2
    (order,) = session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet.id))
    assert order.kind == "command_failure" and order.status == "open"


def test_a_cabinet_away_when_maintenance_began_is_sent_the_empty_lease_when_back(
    session: Session,
) -> None:
    """Its offline lease still names the people: until it is replaced, a badge would open it
    offline (docs/protocol.md § 11 maintenance)."""
    tenant = make_tenant(session)
    cabinet = session.get(Cabinet, _register(session, tenant).cabinet_id)
    make_user(session, tenant).badge_card_no = "C0001234"
    scope = TenantScope.single(tenant.id)
    held = sync_lease(session=session, scope=scope, cabinet_id=cabinet.id, actor=ADMIN, now=NOW)
    record_ack(session=session, cabinet_id=cabinet.id, body={"command": held.command_id,
               "status": "done"}, now=NOW)  # fmt: skip
    assert held.status == "succeeded" and held.payload["cards"]
    cabinet.is_online = False
    provisioning.set_maintenance(
        session=session, scope=scope, cabinet_id=cabinet.id, on=True, actor=ADMIN
    )
    assert _configs_of_kind(session, cabinet.id, "sync_lease") == [held]  # away: nothing sent
    heard_from(session=session, cabinet=cabinet, now=NOW + LATER)
    emptied = _configs_of_kind(session, cabinet.id, "sync_lease")[-1]
    assert emptied is not held and emptied.payload["cards"] == emptied.payload["pins"] == []
    heard_from(session=session, cabinet=cabinet, now=NOW + LATER)  # on its way: not again
    assert len(_configs_of_kind(session, cabinet.id, "sync_lease")) == 2
