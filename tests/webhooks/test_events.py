"""Each event type comes from the domain service where it happens, in its transaction: a
withdrawal committed below a slot's minimum (withdrawal.committed, stock.low once per episode,
workorder.created), corrected, its work order done, a door session left as an exception, a
cabinet going offline and coming back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.cabinets.services.presence import heard_from, mark_offline
from app.core.tenancy import TenantScope
from app.inventory.models import PlanogramEntry
from app.webhooks.models import WebhookEvent
from app.webhooks.services.webhooks import EVENT_TYPES
from app.withdrawals.services import closing
from app.withdrawals.services.commit import commit
from app.withdrawals.services.corrections import correct_withdrawal
from app.workorders.models import WorkOrder
from app.workorders.services import console
from tests.webhooks.world import ADMIN, subscribe
from tests.withdrawals.test_corrections import _door, _world

T0 = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)


def _events(session: Session, tenant_id: int) -> list[tuple[str, str, dict]]:
    rows = session.exec(
        select(WebhookEvent).where(WebhookEvent.tenant_id == tenant_id).order_by(WebhookEvent.id)
    )
    return [(e.type, e.resource, json.loads(e.body)["data"]) for e in rows]


def test_every_event_type_comes_from_its_service(session: Session) -> None:
    tenant, cabinet, person, things, _ = _world(session)
    subscribe(session, tenant.id, "https://erp.example.com/h", list(EVENT_TYPES))
    (a1, pen), _ = things["A1"], things["A2"]
    entry = session.exec(select(PlanogramEntry).where(PlanogramEntry.slot_id == a1.id)).one()
    entry.min_qty, entry.par_qty = 18, 20  # 20 in stock: taking 3 leaves it below its minimum
    scope = TenantScope.single(tenant.id)

    withdrawal = commit(session, cabinet, _door(session, tenant, cabinet, person), [(a1, pen, 3)])
    commit(session, cabinet, _door(session, tenant, cabinet, person), [(a1, pen, 1)])
    correct_withdrawal(
        session=session,
        scope=scope,
        withdrawal_id=withdrawal.id,
        counts={(a1.id, pen.id): 2},
        reason="监控显示拿了 2 支",
        actor=ADMIN,
    )
    order = session.exec(select(WorkOrder).where(WorkOrder.tenant_id == tenant.id)).one()
    console.finish(session=session, scope=scope, order_id=order.id, actor=ADMIN, now=T0)
    closing.give_up(session, _door(session, tenant, cabinet, person, status="closed"), "no_answer")
    cabinet.is_online = True
    mark_offline(session=session, cabinet=cabinet, now=T0)
    mark_offline(session=session, cabinet=cabinet, now=T0 + timedelta(seconds=30))  # no change
    heard_from(session=session, cabinet=cabinet, now=T0 + timedelta(minutes=5))
    heard_from(session=session, cabinet=cabinet, now=T0 + timedelta(minutes=6))  # a heartbeat

    events = _events(session, tenant.id)
    assert [(kind, resource) for kind, resource, _ in events] == [
        ("withdrawal.committed", f"withdrawal:{withdrawal.id}"),
        ("stock.low", f"stock:{a1.id}:{pen.id}"),
        ("workorder.created", f"workorder:{order.id}"),
        ("withdrawal.committed", f"withdrawal:{withdrawal.id + 1}"),  # still low: no 2nd stock.low
        ("withdrawal.corrected", f"withdrawal:{withdrawal.id}"),
        ("workorder.done", f"workorder:{order.id}"),
        ("exception.raised", events[6][1]),
        ("cabinet.offline", f"cabinet:{cabinet.id}"),
        ("cabinet.online", f"cabinet:{cabinet.id}"),
    ]
    data = {kind: payload for kind, _, payload in events}
    assert (data["stock.low"]["quantity"], data["stock.low"]["minimum"]) == (17, 18)
    assert data["withdrawal.corrected"]["status"] == "corrected"
    assert [line["quantity"] for line in data["withdrawal.corrected"]["lines"]] == [2]
    assert data["workorder.done"]["status"] == "done"
    assert data["exception.raised"]["person"]["name"] == person.name
    assert data["cabinet.online"]["code"] == cabinet.code
