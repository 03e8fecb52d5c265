"""The console's review queue: door sessions whose identification needs a person (with the
evidence: each slot's readings before and after, what is planned there, what the machine
thought most likely) and employees' disputes with the withdrawal they are about. Settling a case
goes through app/withdrawals/services/corrections.py and app/withdrawals/services/complaints.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services.records import Actor
from app.cabinets.models import Slot
from app.cabinets.queries.options import cabinet_labels
from app.core.i18n import MESSAGES, t
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.inventory.models import PlanogramEntry
from app.items.models import Item
from app.org.models import User
from app.withdrawals.models import (
    Complaint,
    DoorSession,
    SessionPurpose,
    SessionStatus,
    Withdrawal,
    WithdrawalLine,
)
from app.withdrawals.services import complaints
from app.withdrawals.services.corrections import Counts, correct_withdrawal

MOVED_G = 1.0  # a slot whose weight changed less than this is shown only if it is planned


@dataclass(frozen=True)
class Entry:
    slot_id: int
    item_id: int
    slot: str
    item: str
    unit_g: float
    suggested: int  # the machine's best count (or the recorded one, for a dispute)


@dataclass(frozen=True)
class SlotEvidence:
    slot: str
    before_g: float
    after_g: float
    stable: bool


@dataclass(frozen=True)
class ExceptionCase:
    door_session_id: int
    cabinet: str
    person: str
    at: datetime
    reason: str
    slots: list[SlotEvidence]
    entries: list[Entry]
    # the camera's part is shown (queries/snapshot_evidence.py)
    identification: dict[str, Any] | None = None


@dataclass(frozen=True)
class DisputeCase:
    complaint: complaints.ComplaintRow
    entries: list[Entry]  # the withdrawal's lines, to correct


def _best_counts(identification: dict[str, Any]) -> dict[str, int]:
    """The verdict's counts, else each source's most likely candidate (by SKU)."""
    if identification.get("counts"):
        return dict(identification["counts"])
    best: dict[str, int] = {}
    for reading in identification.get("readings", []):
        if reading.get("candidates"):
            best.update(reading["candidates"][0]["counts"])
    return best


def _planned(session: Session, cabinet_ids: set[int]) -> dict[int, list[tuple[Slot, Item]]]:
    rows = session.exec(
        select(PlanogramEntry.cabinet_id, Slot, Item)
        .join(Slot, col(Slot.id) == PlanogramEntry.slot_id)
        .join(Item, col(Item.id) == PlanogramEntry.item_id)
        .where(col(PlanogramEntry.cabinet_id).in_(cabinet_ids))
        .order_by(Slot.code, Item.sku)
    ).all()
    out: dict[int, list[tuple[Slot, Item]]] = {}
    for cabinet_id, slot, item in rows:
        out.setdefault(cabinet_id, []).append((slot, item))
    return out


def slot_evidence(door: DoorSession) -> list[SlotEvidence]:
    return [
        SlotEvidence(
            slot=code,
            before_g=round(r.get("before_mg", 0) / 1000, 1),
            after_g=round(r.get("after_mg", 0) / 1000, 1),
            stable=bool(r.get("stable", False)),
        )
        for code, r in sorted((door.readings_after or {}).items())
    ]


def _suggest(
    best: dict[str, int],
    item: Item,
    slot: Slot,
    plan: list[tuple[Slot, Item]],
    evidence: list[SlotEvidence],
) -> int:
    """The machine's count; failing that, for a slot holding one item, the weight it lost in
    units of that item (a starting point for the reviewer, never committed by itself)."""
    if item.sku in best:
        return max(best[item.sku], 0)
    alone = sum(1 for s, _ in plan if s.id == slot.id) == 1
    reading = next((e for e in evidence if e.slot == slot.code), None)
    if not alone or reading is None or item.unit_weight_g <= 0:
        return 0
    return max(round((reading.before_g - reading.after_g) / item.unit_weight_g), 0)


def exception_queue(
    *, session: Session, scope: TenantScope, limit: int = 20
) -> list[ExceptionCase]:
    """Open exceptions of withdrawals, oldest first."""
    doors = session.exec(
        scoped_select(DoorSession, scope)
        .where(
            DoorSession.status == SessionStatus.exception.value,
            DoorSession.purpose == SessionPurpose.withdrawal.value,
        )
        .order_by(col(DoorSession.id))
        .limit(limit)
    ).all()
    cabinet_ids = {d.cabinet_id for d in doors}
    codes = cabinet_labels(session, cabinet_ids)
    user_ids = {d.user_id for d in doors if d.user_id}
    people = dict(session.exec(select(User.id, User.name).where(col(User.id).in_(user_ids))).all())
    planned = _planned(session, cabinet_ids)
    cases = []
    for door in doors:
        slots = slot_evidence(door)
        moved = {s.slot for s in slots if abs(s.after_g - s.before_g) >= MOVED_G}
        best = _best_counts(door.identification or {})
        plan = planned.get(door.cabinet_id, [])
        entries = [
            Entry(
                pk(slot),
                pk(item),
                slot.code,
                item.name,
                item.unit_weight_g,
                _suggest(best, item, slot, plan, slots),
            )
            for slot, item in plan
            if slot.code in moved or item.sku in best
        ]
        cases.append(
            ExceptionCase(
                door_session_id=pk(door),
                cabinet=codes[door.cabinet_id],
                person=people.get(door.user_id, ""),
                at=door.closed_at or door.created_at,
                reason=(door.identification or {}).get("reason") or "wrong_direction",
                slots=[s for s in slots if s.slot in moved],
                entries=entries,
                identification=door.identification,
            )
        )
    return cases


def dispute_queue(*, session: Session, scope: TenantScope, limit: int = 20) -> list[DisputeCase]:
    """Open disputes, oldest first, each with the lines of the withdrawal it is about."""
    rows = complaints.waiting(session=session, scope=scope, limit=limit)
    ids = [r.withdrawal_id for r in rows if r.withdrawal_id]
    lines: dict[int, list[Entry]] = {}
    for line, slot, item in session.exec(
        select(WithdrawalLine, Slot, Item)
        .join(Slot, col(Slot.id) == WithdrawalLine.slot_id)
        .join(Item, col(Item.id) == WithdrawalLine.item_id)
        .where(col(WithdrawalLine.withdrawal_id).in_(ids))
        .order_by(col(WithdrawalLine.id))
    ).all():
        lines.setdefault(line.withdrawal_id, []).append(
            Entry(pk(slot), pk(item), slot.code, item.name, item.unit_weight_g, line.quantity)
        )
    return [
        DisputeCase(r, lines.get(r.withdrawal_id, []) if r.withdrawal_id is not None else [])
        for r in rows
    ]


def settle_dispute(
    *,
    session: Session,
    scope: TenantScope,
    complaint_id: int,
    answer: str,
    counts: Counts | None,
    actor: Actor,
) -> Complaint:
    """Answer a dispute; with counts that differ from what was recorded, the withdrawal is
    corrected first (多退少补), the answer being the correction's reason. One unit of work."""
    complaint = complaints.answer(
        session=session, scope=scope, complaint_id=complaint_id, text=answer, actor=actor
    )
    withdrawal = session.exec(
        scoped_select(Withdrawal, scope).where(
            Withdrawal.door_session_id == complaint.door_session_id
        )
    ).first()
    if counts and withdrawal is not None:
        recorded = {
            (line.slot_id, line.item_id): line.quantity
            for line in session.exec(
                select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
            )
        }
        if {k: v for k, v in counts.items() if v} != recorded:
            correct_withdrawal(
                session=session,
                scope=scope,
                withdrawal_id=pk(withdrawal),
                counts=counts,
                reason=answer,
                actor=actor,
            )
    return complaint


def reason_words(key: str, locale: str) -> str:
    """Why the machines could not settle a visit, in the reader's words."""
    full = f"review.reason.{key}"
    return t(full if full in MESSAGES else "review.reason_other", locale)
