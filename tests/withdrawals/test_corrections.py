"""多退少补: an exception settled by a reviewer, a withdrawal corrected into correction movements
with restated lines, totals and quota usage — audited, and refused whole on a bad line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.models import Slot
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, Stock, StockMovement
from app.inventory.services.inventory import reconcile_ledger, record_movement
from app.items.models import Item
from app.org.models import User
from app.quotas.models import QuotaUsage
from app.withdrawals.models import DoorSession, WithdrawalLine
from app.withdrawals.services.commit import commit
from app.withdrawals.services.corrections import correct_withdrawal, resolve_exception
from tests.factories import (
    make_cabinet,
    make_door_session,
    make_planogram_entry,
    make_quota_rule,
    make_tenant,
)

REVIEWER = Actor(account_id=None, name="管理员")
CLOSED = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _world(session: Session):
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    person = User(tenant_id=tenant.id, name="王芳")
    session.add(person)
    things = {}
    for unit, (code, grams, cost) in enumerate((("A1", 12.5, 150), ("A2", 45.0, 800)), start=1):
        slot = Slot(
            tenant_id=tenant.id, cabinet_id=cabinet.id, code=code, scale_unit=unit, scale_channel=1
        )
        item = Item(
            tenant_id=tenant.id,
            sku=f"K{code}",
            name=code,
            unit_weight_g=grams,
            unit_cost_cents=cost,
        )
        session.add_all([slot, item])
        session.flush()
        make_planogram_entry(session, slot, item)
        record_movement(
            session=session,
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            slot_id=slot.id,
            item_id=item.id,
            kind=MovementKind.adjustment,
            quantity_delta=20,
        )
        things[code] = (slot, item)
    rule = make_quota_rule(
        session,
        tenant,
        name="每月",
        subject_kind="user",
        subject_id=person.id,
        limit_value=100,
        over_policy="flag",
    )
    return tenant, cabinet, person, things, rule


def _door(session, tenant, cabinet, person, status="committed") -> DoorSession:
    return make_door_session(
        session, cabinet, person, auth_method="card", status=status, closed_at=CLOSED
    )


def _stock(session, cabinet) -> dict[str, int]:
    rows = session.exec(select(Stock).where(Stock.cabinet_id == cabinet.id)).all()
    return {session.get(Item, r.item_id).name: r.quantity for r in rows}


def test_a_correction_restates_lines_ledger_and_quota(session: Session) -> None:
    tenant, cabinet, person, things, rule = _world(session)
    (a1, pen), (a2, pad) = things["A1"], things["A2"]
    door = _door(session, tenant, cabinet, person)
    withdrawal = commit(session, cabinet, door, [(a1, pen, 3)])
    scope = TenantScope.single(tenant.id)
    correct_withdrawal(
        session=session,
        scope=scope,
        withdrawal_id=withdrawal.id,
        counts={(a1.id, pen.id): 2, (a2.id, pad.id): 1},
        reason="监控显示拿了 2 支笔 1 本本子",
        actor=REVIEWER,
    )
    lines = session.exec(
        select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
    )
    assert {(line.item_id, line.quantity) for line in lines} == {(pen.id, 2), (pad.id, 1)}
    assert (withdrawal.total_qty, withdrawal.total_cost_cents, withdrawal.status) == (
        3,
        2 * 150 + 800,
        "corrected",
    )
    assert _stock(session, cabinet) == {"A1": 18, "A2": 19}
    corrections = session.exec(
        select(StockMovement).where(
            StockMovement.kind == "correction", StockMovement.cabinet_id == cabinet.id
        )
    ).all()
    assert sorted(m.quantity_delta for m in corrections) == [-1, 1]
    assert all(m.reason.startswith("监控") for m in corrections)
    assert reconcile_ledger(session=session, scope=scope) == []
    usage = session.exec(select(QuotaUsage).where(QuotaUsage.rule_id == rule.id)).one()
    assert usage.used_count == 3  # 3 counted at commit, −1 pen +1 pad
    entry = session.exec(select(AuditLog).where(AuditLog.action == "withdrawal.correct")).one()
    assert entry.entity_id == str(withdrawal.id)


@pytest.mark.parametrize(
    ("counts", "reason", "error"),
    [
        ("same", "复核", "error.nothing_to_correct"),
        ("pen2", "  ", "error.required"),
        ("foreign", "复核", "error.not_in_planogram"),
        ("negative", "复核", "error.not_a_count"),
    ],
)
def test_a_refused_correction_changes_nothing(session, counts, reason, error) -> None:
    tenant, cabinet, person, things, _rule = _world(session)
    (a1, pen), (_a2, pad) = things["A1"], things["A2"]
    withdrawal = commit(session, cabinet, _door(session, tenant, cabinet, person), [(a1, pen, 3)])
    wanted = {
        "same": {(a1.id, pen.id): 3},
        "pen2": {(a1.id, pen.id): 2},
        "foreign": {(a1.id, pen.id): 2, (a1.id, pad.id): 1},  # pads are not planned in A1
        "negative": {(a1.id, pen.id): -1},
    }[counts]
    before = _stock(session, cabinet)
    with pytest.raises(ValidationError) as refused:
        correct_withdrawal(
            session=session,
            scope=TenantScope.single(tenant.id),
            withdrawal_id=withdrawal.id,
            counts=wanted,
            reason=reason,
            actor=REVIEWER,
        )
    assert refused.value.key == error
    assert _stock(session, cabinet) == before and withdrawal.status == "committed"


def test_an_exception_is_settled_by_a_reviewer(session: Session) -> None:
    tenant, cabinet, person, things, _rule = _world(session)
    (a1, pen), _ = things["A1"], things["A2"]
    door = _door(session, tenant, cabinet, person, status="exception")
    withdrawal = resolve_exception(
        session=session,
        scope=TenantScope.single(tenant.id),
        door_session_id=door.id,
        counts={(a1.id, pen.id): 4},
        reason="读数不稳，按照片确认 4 支",
        actor=REVIEWER,
    )
    assert door.status == "committed" and withdrawal.source == "manual"
    assert _stock(session, cabinet)["A1"] == 16
    assert door.identification["resolved"]["reason"].startswith("读数不稳")
    with pytest.raises(ValidationError):  # settled once
        resolve_exception(
            session=session,
            scope=TenantScope.single(tenant.id),
            door_session_id=door.id,
            counts={},
            reason="再来",
            actor=REVIEWER,
        )
