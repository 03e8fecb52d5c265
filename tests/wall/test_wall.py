"""Wall displays and the wall's snapshot: a token opens one tenant's wall until revoked; the
snapshot counts today in the tenant's time zone, shows lows first, and only that tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.alerts.models import Severity
from app.alerts.service import raise_once
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.announce import take_announcements
from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.wall import service
from app.wall.pages.charts import top_items_figure
from app.withdrawals.models import WithdrawalLine
from tests.factories import (
    make_cabinet,
    make_item,
    make_planogram_entry,
    make_slot,
    make_tenant,
    make_user,
    make_withdrawal,
)

ADMIN = Actor(account_id=None, name="管理员")
NOW = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 11:30 in Asia/Shanghai


def _stocked(session: Session, tenant, quantities: dict[str, tuple[int, int]]):
    """A cabinet whose slots hold (quantity, minimum) of one item each."""
    cabinet = make_cabinet(session, tenant)
    items = {}
    for code, (quantity, minimum) in quantities.items():
        slot, item = make_slot(session, cabinet, code), make_item(session, tenant, f"物品{code}")
        make_planogram_entry(session, slot, item, min_qty=minimum, par_qty=20)
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
    withdrawal = make_withdrawal(
        session,
        cabinet,
        person,
        total_qty=quantity,
        total_cost_cents=100 * quantity,
        created_at=at,
    )
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
        {
            "code": cabinet.code,
            "name": cabinet.name,
            "status": "open",
            "low": 1,
            "level": "low",
            "fault": "",
        }
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


def test_a_decommissioned_cabinet_and_its_slots_are_off_the_wall(session: Session) -> None:
    tenant = make_tenant(session)
    kept, _ = _stocked(session, tenant, {"A1": (3, 5)})
    retired, _ = _stocked(session, tenant, {"A1": (2, 5), "A2": (1, 5)})
    retired.status = "retired"
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert [c["code"] for c in snapshot.cabinets] == [kept.code]
    assert {s["cabinet_id"] for s in snapshot.slots} == {kept.id}
    assert snapshot.low_slots == 1


def _alert(session, cabinet, kind: str, severity: Severity = Severity.warning, **params) -> None:
    raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind=kind,
        root_key=f"{kind}:{cabinet.id}",
        message_key=f"alert.{kind}",
        params={"cabinet": cabinet.name, "code": cabinet.code, "slot": "A1"} | params,
        severity=severity,
    )


@pytest.mark.parametrize(
    ("status", "alerts", "low", "level"),
    [
        ("online", [], 0, "ok"),
        ("open", [], 0, "ok"),
        ("online", [], 2, "low"),
        ("online", [("low_stock", "warning")], 0, "low"),
        ("online", [("low_stock", "warning"), ("alarm_tamper", "critical")], 1, "critical"),
        ("online", [("door_left_open", "warning")], 0, "critical"),
        ("online", [("alarm_scale_fault", "warning")], 0, "critical"),
        ("online", [("quota_exceeded", "warning")], 0, "ok"),  # about a person, not the cabinet
        ("offline", [("cabinet_offline", "critical")], 3, "offline"),
        ("never", [], 0, "offline"),
        ("offline", [("alarm_door_forced", "critical")], 0, "critical"),
    ],
)
def test_a_cabinet_tile_takes_the_colour_of_its_worst_open_alert(
    status: str, alerts: list[tuple[str, str]], low: int, level: str
) -> None:
    assert service.cabinet_level(status, alerts, low) == level


def test_the_ticker_levels_tell_a_fault_from_low_stock() -> None:
    assert service.alert_level("alarm_tamper", "critical") == "critical"
    assert service.alert_level("door_left_open", "warning") == "critical"
    assert service.alert_level("ledger_mismatch", "critical") == "critical"
    assert service.alert_level("low_stock", "warning") == "low"
    assert service.alert_level("quota_exceeded", "warning") == "notice"
    assert service.alert_level("cabinet_offline", "critical") == "notice"  # the tile is grey
    assert service.worst_fault([("low_stock", "warning"), ("alarm_tamper", "critical")]) == (
        "alarm_tamper"
    )
    assert service.worst_fault([("quota_exceeded", "warning")]) == ""


def test_tiles_and_ticker_in_the_snapshot_put_the_worst_first(session: Session) -> None:
    tenant = make_tenant(session)
    tampered, _ = _stocked(session, tenant, {"A1": (12, 5)})
    short, _ = _stocked(session, tenant, {"A1": (12, 5)})
    quiet, _ = _stocked(session, tenant, {"A1": (12, 5)})
    for cabinet in (tampered, short, quiet):
        cabinet.is_online, cabinet.last_heartbeat_at = True, NOW
    _alert(session, short, "low_stock", item="中性笔", quantity=1, min=5)
    _alert(session, tampered, "alarm_tamper", Severity.critical)
    _alert(session, tampered, "quota_exceeded", person="张三", rule="月度", used=9, limit=5)
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    tiles = {c["code"]: (c["level"], c["fault"]) for c in snapshot.cabinets}
    assert tiles == {
        tampered.code: ("critical", "alarm_tamper"),
        short.code: ("low", "low_stock"),
        quiet.code: ("ok", ""),
    }
    assert [a["level"] for a in snapshot.alerts] == ["critical", "low", "notice"]
    first = snapshot.alerts[0]["text"]
    assert tampered.name in first["zh-CN"] and tampered.name in first["en"]
    assert first["zh-CN"] != first["en"]


def test_top_items_are_the_ten_most_taken_however_many_were_taken(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet, items = _stocked(session, tenant, {f"A{n}": (30, 1) for n in range(1, 13)})
    person = make_user(session, tenant)
    for n, item in enumerate(items.values(), start=1):  # item A<n> taken n times, one each
        for _ in range(n):
            _withdrawal(session, cabinet, person, item, 1, NOW - timedelta(minutes=n))
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert snapshot.top_items == [(f"物品A{n}", n) for n in range(12, 2, -1)]
    figure = top_items_figure(snapshot)
    assert len(figure.data[0].y) == 10 and figure.data[0].y[-1] == "物品A12"  # the first on top
    assert figure.layout.yaxis.dtick == 1  # every item named, none skipped
    assert figure.layout.yaxis.tickfont.size >= 20 and figure.layout.xaxis.tickfont.size >= 20


def test_fewer_items_taken_fewer_bars(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet, items = _stocked(session, tenant, {"A1": (30, 1), "A2": (30, 1)})
    person = make_user(session, tenant)
    _withdrawal(session, cabinet, person, items["A1"], 2, NOW - timedelta(minutes=3))
    snapshot = service.wall_snapshot(session=session, tenant_id=tenant.id, now=NOW)
    assert len(top_items_figure(snapshot).data[0].y) == 1
