"""The cabinets page's services: the fleet by status and name with its low slots, keyset pages,
one cabinet's planned slots and commands, levels edited within bounds (audited), other tenants'
cabinets never reached; a cabinet never heard from reads "never connected", not online or
offline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.queries.refusals import Refused, record, refusals_of
from app.cabinets.services import console
from app.cabinets.services.commands import issue_command
from app.cabinets.services.presence import heard_from, sweep_presence
from app.core.errors import NotFoundError, ValidationError
from app.core.i18n import t
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.services.inventory import record_movement
from tests.factories import make_cabinet, make_item, make_planogram_entry, make_slot, make_tenant

ADMIN = Actor(account_id=None, name="管理员")


def _fleet(session: Session):
    tenant, other = make_tenant(session), make_tenant(session)
    cabinets = [make_cabinet(session, tenant) for _ in range(3)]
    cabinets[0].is_online, cabinets[0].door_state = True, "open"
    cabinets[1].is_online = True
    cabinets[2].name = "仓库备用柜"
    item = make_item(session, tenant)
    entries = []
    for code, quantity in (("A1", 2), ("A2", 9)):
        slot = make_slot(session, cabinets[0], code)
        entry = make_planogram_entry(session, slot, item, min_qty=5, par_qty=20)
        record_movement(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinets[0].id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=quantity,
        )
        entries.append(entry)
    make_cabinet(session, other)
    session.flush()
    return tenant, cabinets, entries


def test_the_fleet_by_status_and_name(session: Session) -> None:
    tenant, cabinets, _ = _fleet(session)
    scope = TenantScope.single(tenant.id)

    def ids(**kwargs) -> list[int]:
        return [r.id for r in console.list_cabinets(session=session, scope=scope, **kwargs).rows]

    assert ids() == [c.id for c in cabinets]
    assert ids(status="open") == [cabinets[0].id]
    assert ids(status="online") == [cabinets[0].id, cabinets[1].id]
    assert ids(status="offline") == [cabinets[2].id]
    assert ids(search="备用") == [cabinets[2].id]
    first = console.list_cabinets(session=session, scope=scope, limit=2)
    assert [r.low_slots for r in first.rows] == [1, 0]
    rest = console.list_cabinets(session=session, scope=scope, after_id=first.next_after_id)
    assert [r.id for r in rest.rows] == [cabinets[2].id] and rest.next_after_id is None
    with pytest.raises(ValidationError):
        console.list_cabinets(session=session, scope=scope, status="broken")


def test_a_cabinet_never_heard_from_reads_never_connected(session: Session) -> None:
    tenant = make_tenant(session)
    never, heard, gone = (make_cabinet(session, tenant) for _ in range(3))
    t0 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    heard_from(session=session, cabinet=gone, now=t0)
    heard_from(session=session, cabinet=heard, now=t0 + timedelta(seconds=100))
    assert sweep_presence(session=session, now=t0 + timedelta(seconds=130)).went_offline == [
        gone.code
    ]
    scope = TenantScope.single(tenant.id)
    rows = console.list_cabinets(session=session, scope=scope).rows
    assert {r.id: r.status for r in rows} == {
        never.id: "never",
        heard.id: "online",
        gone.id: "offline",
    }
    detail = console.cabinet_detail(session=session, scope=scope, cabinet_id=never.id)
    assert detail.cabinet.status == "never"
    assert t("wall.never_connected") == "从未连接"
    assert t("wall.never_connected", "en") == "Never connected"


def test_a_cabinets_slots_commands_and_levels(session: Session) -> None:
    tenant, cabinets, entries = _fleet(session)
    scope = TenantScope.single(tenant.id)
    issue_command(
        session=session,
        scope=scope,
        cabinet_id=cabinets[0].id,
        kind="tare",
        args={"slot": "A1"},
        actor=ADMIN,
    )
    detail = console.cabinet_detail(session=session, scope=scope, cabinet_id=cabinets[0].id)
    assert [(s.slot, s.quantity, s.min_qty) for s in detail.slots] == [("A1", 2, 5), ("A2", 9, 5)]
    assert [(c.kind, c.status) for c in detail.commands] == [("tare", "pending")]
    assert detail.cabinet.low_slots == 1 and not detail.has_credentials
    for low, par in ((-1, 10), (5, 0), (8, 6), (0, 10_000)):
        with pytest.raises(ValidationError):
            console.set_levels(
                session=session,
                scope=scope,
                entry_id=entries[0].id,
                min_qty=low,
                par_qty=par,
                actor=ADMIN,
            )
    console.set_levels(
        session=session, scope=scope, entry_id=entries[0].id, min_qty=1, par_qty=30, actor=ADMIN
    )
    assert (entries[0].min_qty, entries[0].par_qty) == (1, 30)
    assert session.exec(
        select(AuditLog).where(AuditLog.action == "planogram_entry.update")
    ).one().after == {"min_qty": 1, "par_qty": 30}
    outsider = TenantScope.single(tenant.id + 99)
    with pytest.raises(NotFoundError):
        console.cabinet_detail(session=session, scope=outsider, cabinet_id=cabinets[0].id)
    with pytest.raises(NotFoundError):
        console.set_levels(
            session=session,
            scope=outsider,
            entry_id=entries[0].id,
            min_qty=1,
            par_qty=2,
            actor=ADMIN,
        )


def test_a_cabinets_refusals_per_reason_newest_first(session: Session) -> None:
    tenant, cabinets, _ = _fleet(session)
    scope = TenantScope.single(tenant.id)
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    refused = [
        Refused(tenant.id, cabinets[0].id, code, 1, "m1", "", "{}")
        for code in ("schema", "stale_timestamp", "stale_timestamp")
    ]
    record(session, refused[:1], at)
    record(session, refused[1:], at + timedelta(minutes=1))
    found = console.cabinet_detail(session=session, scope=scope, cabinet_id=cabinets[0].id)
    assert [(r.code, r.count) for r in found.refusals] == [("stale_timestamp", 2), ("schema", 1)]
    quiet = console.cabinet_detail(session=session, scope=scope, cabinet_id=cabinets[1].id)
    assert quiet.refusals == []
    other = TenantScope.single(tenant.id + 1)
    with pytest.raises(NotFoundError):
        refusals_of(session=session, scope=other, cabinet_id=cabinets[0].id)


def test_a_slot_changes_item_only_when_empty_and_tellable_apart(session: Session) -> None:
    tenant, cabinets, entries = _fleet(session)
    scope = TenantScope.single(tenant.id)
    other = make_tenant(session)
    theirs = make_item(session, other, "别家的")
    paper = make_item(session, tenant, "便签纸")
    twin = make_item(session, tenant, "重量相同的笔")  # the factory's unit weight: 10.5 g
    empty_slot = make_slot(session, cabinets[1], "C1")
    pen_entry = PlanogramEntry(
        tenant_id=tenant.id,
        cabinet_id=cabinets[1].id,
        slot_id=empty_slot.id,
        item_id=entries[0].item_id,
    )
    session.add(pen_entry)
    session.flush()

    def change(entry, item):
        return console.set_slot_item(
            session=session, scope=scope, entry_id=entry.id, item_id=item.id, actor=ADMIN
        )

    with pytest.raises(ValidationError) as refused:
        change(entries[0], paper)  # 2 units still in A1
    assert refused.value.key == "cabinets.slot_not_empty"
    with pytest.raises(ValidationError):
        change(pen_entry, theirs)
    paper.unit_weight_g = 3.0
    with pytest.raises(ValidationError) as refused:
        change(pen_entry, paper)  # alone on the scale, but one 3 g unit is not told from none
    assert refused.value.key == "cabinets.unit_invisible"
    assert refused.value.params["item"] == "便签纸"
    paper.unit_weight_g = 30.0
    assert change(pen_entry, paper).item_id == paper.id
    # a second item on the same scale, as heavy as the first: not tellable
    make_planogram_entry(session, empty_slot, twin)
    twin.unit_weight_g = 12.5
    heavy = make_item(session, tenant, "订书机")
    heavy.unit_weight_g = 187.0
    assert change(pen_entry, heavy).item_id == heavy.id  # 187 g beside 12.5 g: always apart
    paper.unit_weight_g = 10.5
    with pytest.raises(ValidationError) as refused:
        change(pen_entry, paper)  # 10.5 g beside 12.5 g: one of each is 2 g apart
    assert refused.value.key == "cabinets.not_separable"
    assert refused.value.params["takes"].startswith("1 × 重量相同的笔 ≈ 1 × 便签纸")  # named
    with pytest.raises(ValidationError) as refused:
        change(pen_entry, twin)
    assert refused.value.key == "cabinets.already_planned"


def test_a_scale_says_which_takes_need_a_second_signal(session: Session) -> None:
    from app.cabinets.services.scale_stats import words

    tenant, cabinets, _ = _fleet(session)
    scope = TenantScope.single(tenant.id)
    slot = make_slot(session, cabinets[1], "D1")
    pen, box = make_item(session, tenant, "中性笔"), make_item(session, tenant, "长尾夹盒")
    pen.unit_weight_g, pen.weight_tolerance_g = 12.5, 0.3
    box.unit_weight_g, box.weight_tolerance_g = 131.0, 1.2
    for item in (pen, box):
        make_planogram_entry(session, slot, item)
    detail = console.cabinet_detail(session=session, scope=scope, cabinet_id=cabinets[1].id)
    scale = next(s for s in detail.scales if s["slot"] == "D1")
    assert scale["collisions"].startswith("2 × 长尾夹盒 ≈ 10 × 中性笔 + 1 × 长尾夹盒")
    assert 0 < scale["colliding_share"] < 0.3
    text = words(scale, "en")
    assert "Takes its weight cannot tell apart" in text and "10 × 中性笔" in text
    box.rfid_tagged = True  # RFID counts the boxes: no take is left to weight alone
    detail = console.cabinet_detail(session=session, scope=scope, cabinet_id=cabinets[1].id)
    assert next(s for s in detail.scales if s["slot"] == "D1")["collisions"] == ""


def test_a_scales_indicator_is_set_and_what_it_learned_forgotten(session: Session) -> None:
    from app.cabinets.services.scale_stats import model_of
    from app.withdrawals.services.scale_model import default_model

    tenant, cabinets, _ = _fleet(session)
    scope = TenantScope.single(tenant.id)
    slot = make_slot(session, cabinets[1], "E1")
    slot.noise_sigma_g, slot.noise_samples, slot.noise_dof = 0.3, 900, 880
    session.flush()
    assert model_of(slot).sigma_g == 0.3  # learned behind the default indicator

    def set_to(indicator: str, slot_id: int = slot.id, who: TenantScope = scope):
        return console.set_scale_indicator(
            session=session, scope=who, slot_id=slot_id, indicator=indicator, actor=ADMIN
        )

    set_to("tuna_id551pn")
    assert slot.indicator == "tuna_id551pn" and slot.noise_samples == 0
    assert model_of(slot) == default_model("tuna_id551pn")
    audit = session.exec(select(AuditLog).where(AuditLog.action == "slot.update")).one()
    assert (audit.before["indicator"], audit.after["indicator"]) == ("default", "tuna_id551pn")
    with pytest.raises(ValidationError) as refused:
        set_to("acme_9000")
    assert refused.value.params["field"] == "indicator"
    with pytest.raises(NotFoundError):
        set_to("laumas_tlu", who=TenantScope.single(tenant.id + 99))
    zone = make_slot(session, cabinets[1], "R9")
    zone.kind = "rfid"
    with pytest.raises(ValidationError) as refused:
        set_to("laumas_tlu", slot_id=zone.id)
    assert refused.value.key == "cabinets.not_a_scale"
