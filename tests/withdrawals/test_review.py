"""The console's review queue: an exception shows the moved slots' readings, what is planned
there and the machine's best guess; a dispute answered with corrected counts restates the
withdrawal (多退少补) in the same unit of work, answered without counts only answers."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.tenancy import TenantScope
from app.quotas.models import QuotaUsage
from app.withdrawals.models import Withdrawal, WithdrawalLine
from app.withdrawals.services import complaints
from app.withdrawals.services.commit import commit
from app.withdrawals.services.review import dispute_queue, exception_queue, settle_dispute
from tests.withdrawals.test_corrections import REVIEWER, _door, _stock, _world


def test_an_exception_comes_with_its_evidence(session: Session) -> None:
    tenant, cabinet, person, _things, _rule = _world(session)
    door = _door(session, tenant, cabinet, person, status="exception")
    door.readings_after = {
        "A1": {"slot": "A1", "before_mg": 250_000, "after_mg": 212_400, "stable": False},
        "A2": {"slot": "A2", "before_mg": 900_000, "after_mg": 900_100, "stable": True},
    }
    door.identification = {
        "status": "exception",
        "reason": "unstable",
        "counts": {},
        "readings": [
            {
                "source": "weight",
                "status": "unstable",
                "counts": {},
                "candidates": [{"counts": {"KA1": 3}, "z": 0.8}],
            }
        ],
    }
    committed = _door(session, tenant, cabinet, person)  # not an exception: not queued
    scope = TenantScope.single(tenant.id)
    (case,) = exception_queue(session=session, scope=scope)
    assert (case.door_session_id, case.person, case.reason) == (door.id, "王芳", "unstable")
    assert [(s.slot, s.before_g, s.after_g, s.stable) for s in case.slots] == [
        ("A1", 250.0, 212.4, False)  # A2 did not move
    ]
    (entry,) = case.entries
    assert (entry.slot, entry.item, entry.suggested) == ("A1", "A1", 3)
    assert committed.id != door.id
    assert exception_queue(session=session, scope=TenantScope.single(tenant.id + 999)) == []


def test_a_dispute_answered_with_corrected_counts_restates_the_withdrawal(
    session: Session,
) -> None:
    tenant, cabinet, person, things, rule = _world(session)
    a1, pen = things["A1"]
    door = _door(session, tenant, cabinet, person)
    commit(session, cabinet, door, [(a1, pen, 2)])
    scope = TenantScope.single(tenant.id)
    filed = complaints.complain(
        session=session, scope=scope, person=person, door_session_id=door.id, text="只拿了1支"
    )
    (case,) = dispute_queue(session=session, scope=scope)
    assert case.complaint.id == filed.id
    assert [(e.slot, e.item, e.suggested) for e in case.entries] == [("A1", "A1", 2)]
    settle_dispute(
        session=session,
        scope=scope,
        complaint_id=filed.id,
        answer="核对照片，确为 1 支，已退回 1 支",
        counts={(a1.id, pen.id): 1},
        actor=REVIEWER,
    )
    withdrawal = session.exec(select(Withdrawal).where(Withdrawal.door_session_id == door.id)).one()
    (line,) = session.exec(
        select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
    ).all()
    assert (withdrawal.status, line.quantity, _stock(session, cabinet)["A1"]) == (
        "corrected",
        1,
        19,
    )
    assert dispute_queue(session=session, scope=scope) == []
    usage = session.exec(select(QuotaUsage).where(QuotaUsage.rule_id == rule.id)).one()
    assert (usage.used_count, usage.used_cost_cents) == (1, 150)  # 多退: the quota gets 1 back


def test_a_dispute_answered_with_the_same_counts_only_answers(session: Session) -> None:
    tenant, cabinet, person, things, _rule = _world(session)
    a1, pen = things["A1"]
    door = _door(session, tenant, cabinet, person)
    commit(session, cabinet, door, [(a1, pen, 2)])
    scope = TenantScope.single(tenant.id)
    filed = complaints.complain(
        session=session, scope=scope, person=person, door_session_id=door.id, text="拿了2支吗"
    )
    answered = settle_dispute(
        session=session,
        scope=scope,
        complaint_id=filed.id,
        answer="照片显示 2 支，记录无误",
        counts={(a1.id, pen.id): 2},
        actor=REVIEWER,
    )
    assert answered.status == "answered"
    withdrawal = session.exec(select(Withdrawal).where(Withdrawal.door_session_id == door.id)).one()
    assert withdrawal.status == "committed" and _stock(session, cabinet)["A1"] == 18
