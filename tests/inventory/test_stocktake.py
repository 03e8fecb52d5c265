"""Stocktakes: differences become adjustment movements, big ones wait for someone else's
approval, the ledger reconciles afterwards, a refused step writes nothing; adjustments for
damage never take a slot below zero; another tenant's scope sees and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import AccountKind
from app.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.inventory.models import (
    MovementKind,
    PlanogramEntry,
    Stock,
    StockMovement,
    StocktakeLine,
    StocktakeStatus,
)
from app.inventory.queries.stocktakes import list_stocktakes, stocktake_report
from app.inventory.services import stocktake as st
from app.inventory.services.adjustments import adjust_stock, write_off_planned
from app.inventory.services.inventory import reconcile_ledger, record_movement
from app.tenants.services.policies import WholeNumber
from tests.factories import (
    make_account,
    make_cabinet,
    make_door_session,
    make_item,
    make_planogram_entry,
    make_slot,
    make_tenant,
    make_user,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _account(session: Session, name: str) -> Actor:
    account = make_account(session, f"st-{name}", display_name=name, kind=AccountKind.tenant.value)
    return Actor(account_id=account.id, name=name)


@pytest.fixture
def shop(session: Session):
    """A cabinet with two planned slots: A1 (10 pens, ¥2.50 each) and A2 (4 pens)."""
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    slots = [make_slot(session, cabinet, code) for code in ("A1", "A2")]
    items = [make_item(session, tenant), make_item(session, tenant, "铅笔")]
    for slot, item, quantity in zip(slots, items, (10, 4), strict=True):
        make_planogram_entry(session, slot, item)
        record_movement(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=quantity,
            at=NOW,
        )
    return tenant, cabinet, slots, items, TenantScope.single(tenant.id)


def _counts(session: Session, stocktake_id: int, **by_slot: int) -> dict[int, int]:
    return {line.id: by_slot[slot.code] for line, slot in st.lines_of(session, stocktake_id)}


def _stock(session: Session, slot) -> int:
    return session.exec(select(Stock.quantity).where(Stock.slot_id == slot.id)).one()


def _set_threshold(session: Session, tenant, cents: int) -> None:
    tenant.settings = {st.APPROVAL.key: cents}
    session.add(tenant)
    session.flush()


def test_a_small_difference_becomes_one_adjustment_and_the_ledger_reconciles(
    session: Session, shop
) -> None:
    _, cabinet, slots, _, scope = shop
    counter = _account(session, "王盘点")
    take = st.start_stocktake(
        session=session, scope=scope, cabinet_id=cabinet.id, actor=counter, now=NOW
    )
    assert [(line.ledger_qty, slot.code) for line, slot in st.lines_of(session, take.id)] == [
        (10, "A1"),
        (4, "A2"),
    ]
    st.submit_stocktake(
        session=session,
        scope=scope,
        stocktake_id=take.id,
        counts=_counts(session, take.id, A1=8, A2=4),
        actor=counter,
        note="月末盘点",
        now=NOW,
    )
    assert take.status == StocktakeStatus.applied.value
    assert take.difference_cents == 2 * 250
    movements = session.exec(select(StockMovement).where(StockMovement.reason.like("盘点%"))).all()
    assert [(m.slot_id, m.quantity_delta, m.kind) for m in movements] == [
        (slots[0].id, -2, "adjustment")
    ]
    assert movements[0].actor_account_id == counter.account_id
    assert _stock(session, slots[0]) == 8 and _stock(session, slots[1]) == 4
    assert reconcile_ledger(session=session, scope=scope) == []
    report = stocktake_report(session=session, scope=scope, stocktake_id=take.id)
    assert [(r.slot, r.ledger, r.counted, r.difference, r.value_cents) for r in report.lines] == [
        ("A1", 10, 8, -2, -500),
        ("A2", 4, 4, 0, 0),
    ]
    assert (report.units_lost, report.units_gained, report.net_value_cents) == (2, 0, -500)
    actions = session.exec(
        select(AuditLog.action).where(AuditLog.entity == "stocktake").order_by(AuditLog.id)
    ).all()
    assert actions == ["stocktake.start", "stocktake.submit", "stocktake.apply"]


def test_a_difference_above_the_threshold_waits_for_someone_else_to_approve(
    session: Session, shop
) -> None:
    tenant, cabinet, slots, _, scope = shop
    _set_threshold(session, tenant, 400)  # ¥4: two pens (¥5) are above it
    counter, admin = _account(session, "业务员"), _account(session, "企业管理员")
    take = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=counter)
    st.submit_stocktake(
        session=session,
        scope=scope,
        stocktake_id=take.id,
        counts=_counts(session, take.id, A1=12, A2=4),
        actor=counter,
    )
    assert take.status == StocktakeStatus.waiting.value
    assert _stock(session, slots[0]) == 10  # nothing written yet
    with pytest.raises(PermissionDeniedError) as refused:
        st.approve_stocktake(session=session, scope=scope, stocktake_id=take.id, actor=counter)
    assert refused.value.key == "stocktake.approver_is_counter"
    assert take.status == StocktakeStatus.waiting.value
    st.approve_stocktake(session=session, scope=scope, stocktake_id=take.id, actor=admin, now=NOW)
    assert take.status == StocktakeStatus.applied.value
    assert take.decided_by_account_id == admin.account_id
    assert _stock(session, slots[0]) == 12
    assert reconcile_ledger(session=session, scope=scope) == []


def test_a_rejected_stocktake_writes_nothing_and_a_recount_may_start(
    session: Session, shop
) -> None:
    tenant, cabinet, slots, _, scope = shop
    _set_threshold(session, tenant, 0)
    counter, admin = _account(session, "业务员"), _account(session, "管理员")
    take = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=counter)
    st.submit_stocktake(
        session=session,
        scope=scope,
        stocktake_id=take.id,
        counts=_counts(session, take.id, A1=9, A2=4),
        actor=counter,
    )
    with pytest.raises(ValidationError) as busy:
        st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=admin)
    assert busy.value.key == "stocktake.already_open"
    st.reject_stocktake(session=session, scope=scope, stocktake_id=take.id, actor=admin)
    assert take.status == StocktakeStatus.rejected.value
    assert _stock(session, slots[0]) == 10
    with pytest.raises(ValidationError):
        st.approve_stocktake(session=session, scope=scope, stocktake_id=take.id, actor=admin)
    again = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=admin)
    assert again.status == StocktakeStatus.counting.value


@pytest.mark.parametrize("bad", [-1, "3.5", "x", True, None, 100_001])
def test_a_failed_submit_changes_nothing(session: Session, shop, bad) -> None:
    _, cabinet, slots, _, scope = shop
    counter = _account(session, "业务员")
    take = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=counter)
    counts = _counts(session, take.id, A1=7, A2=0)
    counts[max(counts)] = bad  # A2's count is wrong (or missing); A1's is fine
    with pytest.raises(ValidationError) as refused:
        st.submit_stocktake(
            session=session, scope=scope, stocktake_id=take.id, counts=counts, actor=counter
        )
    assert refused.value.params["slot"] == "A2"
    assert take.status == StocktakeStatus.counting.value
    lines = session.exec(select(StocktakeLine).where(StocktakeLine.stocktake_id == take.id))
    assert [line.counted_qty for line in lines] == [None, None]
    assert _stock(session, slots[0]) == 10
    assert session.exec(select(StockMovement).where(StockMovement.reason.like("盘点%"))).all() == []


def test_an_approval_that_would_take_a_slot_below_zero_is_refused_naming_the_slot(
    session: Session, shop
) -> None:
    tenant, cabinet, slots, items, scope = shop
    _set_threshold(session, tenant, 0)
    counter, admin = _account(session, "业务员"), _account(session, "管理员")
    take = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=counter)
    st.submit_stocktake(
        session=session,
        scope=scope,
        stocktake_id=take.id,
        counts=_counts(session, take.id, A1=10, A2=1),  # 3 pencils short
        actor=counter,
    )
    # meanwhile two pencils are taken: 2 left, 3 short cannot be written
    record_movement(
        session=session,
        tenant_id=tenant.id,
        cabinet_id=cabinet.id,
        slot_id=slots[1].id,
        item_id=items[1].id,
        kind=MovementKind.withdrawal,
        quantity_delta=-2,
    )
    with pytest.raises(ValidationError) as refused:
        st.approve_stocktake(session=session, scope=scope, stocktake_id=take.id, actor=admin)
    assert refused.value.params == {"field": "counted", "slot": "A2", "available": 2}
    assert take.status == StocktakeStatus.waiting.value
    assert _stock(session, slots[1]) == 2


def test_the_scale_suggests_a_count_from_its_last_reading(session: Session, shop) -> None:
    tenant, cabinet, _, _, scope = shop
    person = make_user(session, tenant)
    make_door_session(
        session,
        cabinet,
        person,
        auth_method="qr",
        status="closed",
        closed_at=NOW,
        readings_after={"A1": {"before_mg": 105000, "after_mg": 94500, "stable": True}},
    )
    take = st.start_stocktake(
        session=session, scope=scope, cabinet_id=cabinet.id, actor=_account(session, "x")
    )
    suggested = {slot.code: line.suggested_qty for line, slot in st.lines_of(session, take.id)}
    assert suggested == {"A1": 9, "A2": None}  # 94.5 g / 10.5 g; A2 has no reading
    assert st.suggested_count(None, 10.5) is None and st.suggested_count(-3, 10.5) == 0


def test_damage_is_taken_off_with_its_reason_but_never_below_zero(session: Session, shop) -> None:
    _, _, slots, items, scope = shop
    actor = _account(session, "管理员")
    movement = adjust_stock(
        session=session,
        scope=scope,
        slot_id=slots[1].id,
        item_id=items[1].id,
        reason="damaged",
        quantity=3,
        note="笔芯漏墨",
        actor=actor,
    )
    assert (movement.quantity_delta, movement.reason) == (-3, "damaged: 笔芯漏墨")
    assert _stock(session, slots[1]) == 1
    with pytest.raises(ValidationError) as refused:
        adjust_stock(
            session=session,
            scope=scope,
            slot_id=slots[1].id,
            item_id=items[1].id,
            reason="expired",
            quantity=2,
            actor=actor,
        )
    assert refused.value.params == {"field": "quantity", "slot": "A2", "available": 1}
    for reason, quantity in (("stolen", 1), ("lost", 0), ("lost", -1)):
        with pytest.raises(ValidationError):
            adjust_stock(
                session=session,
                scope=scope,
                slot_id=slots[1].id,
                item_id=items[1].id,
                reason=reason,
                quantity=quantity,
                actor=actor,
            )
    assert _stock(session, slots[1]) == 1
    assert reconcile_ledger(session=session, scope=scope) == []


def test_the_stock_page_writes_off_by_its_plan_entry_in_scope(session: Session, shop) -> None:
    _, _, slots, _, scope = shop
    entry = session.exec(select(PlanogramEntry).where(PlanogramEntry.slot_id == slots[0].id)).one()
    actor = _account(session, "管理员")
    write_off_planned(
        session=session, scope=scope, entry_id=entry.id, reason="expired", quantity=2, actor=actor
    )
    assert _stock(session, slots[0]) == 8
    other = TenantScope.single(make_tenant(session, "别家").id)
    with pytest.raises(NotFoundError):
        write_off_planned(
            session=session, scope=other, entry_id=entry.id, reason="lost", quantity=1, actor=actor
        )
    assert _stock(session, slots[0]) == 8


def test_another_tenant_can_neither_read_nor_change_a_stocktake(session: Session, shop) -> None:
    _, cabinet, slots, items, scope = shop
    other = TenantScope.single(make_tenant(session, "别家").id)
    counter, stranger = _account(session, "业务员"), _account(session, "外人")
    with pytest.raises(NotFoundError):
        st.start_stocktake(session=session, scope=other, cabinet_id=cabinet.id, actor=stranger)
    take = st.start_stocktake(session=session, scope=scope, cabinet_id=cabinet.id, actor=counter)
    counts = _counts(session, take.id, A1=1, A2=1)
    assert list_stocktakes(session=session, scope=other) == []
    assert [r.id for r in list_stocktakes(session=session, scope=scope)] == [take.id]
    calls = (
        lambda: stocktake_report(session=session, scope=other, stocktake_id=take.id),
        lambda: st.submit_stocktake(
            session=session, scope=other, stocktake_id=take.id, counts=counts, actor=stranger
        ),
        lambda: st.cancel_stocktake(
            session=session, scope=other, stocktake_id=take.id, actor=stranger
        ),
        lambda: adjust_stock(
            session=session,
            scope=other,
            slot_id=slots[0].id,
            item_id=items[0].id,
            reason="lost",
            quantity=1,
            actor=stranger,
        ),
    )
    for call in calls:
        with pytest.raises(NotFoundError):
            call()
    assert take.status == StocktakeStatus.counting.value
    assert _stock(session, slots[0]) == 10


def test_the_threshold_is_a_tenant_policy_with_a_range() -> None:
    assert isinstance(st.APPROVAL, WholeNumber)
    assert st.APPROVAL.default == 50_000
    assert st.APPROVAL.accepts(0) and not st.APPROVAL.accepts(-1)
