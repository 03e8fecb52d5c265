"""Wall displays and the wall's snapshot: a token opens one tenant's wall until revoked; the
snapshot counts today in the tenant's time zone, shows lows first, and only that tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.core.announce import take_announcements
from app.core.errors import NotFoundError, ValidationError
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.service import record_movement
from app.wall import service
from app.withdrawals.models import Withdrawal, WithdrawalLine
from tests.factories import make_cabinet, make_item, make_slot, make_tenant, make_user

ADMIN = Actor(account_id=None, name="管理员")
NOW = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 11:30 in Asia/Shanghai


def _stocked(session: Session, tenant, quantities: dict[str, tuple[int, int]]):
    """A cabinet whose slots hold (quantity, minimum) of one item each."""
    cabinet = make_cabinet(session, tenant)
    items = {}
    for code, (quantity, minimum) in quantities.items():
        slot, item = make_slot(session, cabinet, code), make_item(session, tenant, f"物品{code}")
        session.add(
            PlanogramEntry(
                tenant_id=tenant.id,
                cabinet_id=cabinet.id,
                slot_id=slot.id,
                item_id=item.id,
                min_qty=minimum,
                par_qty=20,
            )
        )
        record_movement(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=quantity,
        )
        items[code] = item
    return cabinet, items


def _withdrawal(session, cabinet, person, item, quantity: int, at: datetime) -> None:
    withdrawal = Withdrawal(
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        user_id=person.id,
        total_qty=quantity,
        total_cost_cents=100 * quantity,
        created_at=at,
    )
    session.add(withdrawal)
    session.flush()
    session.add(
        WithdrawalLine.of(withdrawal, item_id=item.id, quantity=quantity, unit_cost_cents=100)
    )


def test_a_token_opens_its_tenants_wall_until_revoked(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    display, token = service.create_display(
        session=session, scope=scope, tenant_id=tenant.id, name="前台大屏", actor=ADMIN
    )
    assert display.token_hash != token and len(token) >= 32
    assert service.display_by_token(session=session, token=token).id == display.id
    assert service.display_by_token(session=session, token=token + "x") is None
    assert service.display_by_token(session=session, token="") is None
    take_announcements(session)
    service.revoke_display(session=session, scope=scope, display_id=display.id, actor=ADMIN)
    assert service.display_by_token(session=session, token=token) is None
    assert [(c, d["change"]) for c, d in take_announcements(session)] == [
        (f"tenant:{tenant.id}:wall", "revoked")
    ]
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "wall_display")).all()
    assert sorted(actions) == ["wall_display.create", "wall_display.update"]


def test_displays_are_named_and_stay_in_their_tenant(session: Session) -> None:
    mine, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(mine.id)
    with pytest.raises(ValidationError):
        service.create_display(
            session=session, scope=scope, tenant_id=mine.id, name=" ", actor=ADMIN
        )
    with pytest.raises(ValidationError):
        service.create_display(
            session=session, scope=scope, tenant_id=other.id, name="别家", actor=ADMIN
        )
    theirs, _ = service.create_display(
        session=session,
        scope=TenantScope.single(other.id),
        tenant_id=other.id,
        name="别家",
        actor=ADMIN,
    )
    with pytest.raises(NotFoundError):
        service.revoke_display(session=session, scope=scope, display_id=theirs.id, actor=ADMIN)
    assert service.list_displays(session=session, scope=scope) == []


def test_the_snapshot_counts_today_in_the_tenants_zone_lows_first(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    cabinet, items = _stocked(session, tenant, {"A1": (12, 5), "A2": (3, 5), "A3": (20, 5)})
    cabinet.is_online, cabinet.door_state = True, "open"
    _stocked(session, other, {"A1": (1, 5)})
    person = make_user(session, tenant)
    _withdrawal(session, cabinet, person, items["A1"], 2, NOW - timedelta(hours=1))  # 10:30
    _withdrawal(session, cabinet, person, items["A2"], 3, NOW - timedelta(minutes=5))  # 11:25
    _withdrawal(session, cabinet, person, items["A2"], 1, NOW - timedelta(hours=4))  # 07:30
    _withdrawal(session, cabinet, person, items["A3"], 9, NOW - timedelta(hours=12))  # yesterday
    _, token = service.create_display(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        name="大屏",
        actor=ADMIN,
    )
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert service.token_hash(token) in snapshot.live_displays
    assert snapshot.today_count == 3 and snapshot.today_qty == 6
    assert (snapshot.hourly[7], snapshot.hourly[10], snapshot.hourly[11]) == (1, 1, 1)
    assert snapshot.top_items == [("物品A2", 4), ("物品A1", 2)]
    assert [(s["slot"], s["low"]) for s in snapshot.slots] == [
        ("A2", True),
        ("A1", False),
        ("A3", False),
    ]
    assert snapshot.slots[0]["fill"] == 15  # 3 of a par of 20
    assert snapshot.low_slots == 1
    assert snapshot.cabinets == [
        {"code": cabinet.code, "name": cabinet.name, "status": "open", "low": 1}
    ]


def test_a_cabinet_never_connected_is_neither_online_nor_offline(session: Session) -> None:
    tenant = make_tenant(session)
    never, gone = make_cabinet(session, tenant), make_cabinet(session, tenant)
    gone.last_heartbeat_at = NOW - timedelta(days=1)  # heard from once, offline since
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert {c["code"]: c["status"] for c in snapshot.cabinets} == {
        never.code: "never",
        gone.code: "offline",
    }
