"""A person settles what the machines could not, or got wrong (多退少补):

- `resolve_exception`: a door session left as an exception (ambiguous, unstable, put back, …) is
  committed with the counts a reviewer read off the evidence;
- `correct_withdrawal`: a committed withdrawal gets its true counts: the difference becomes
  correction movements in the ledger (taken more: stock down; taken less: stock back), the lines
  and totals are restated, quota usage moves with them.

Both need a reason, refuse counts that do not fit the cabinet's planogram, audit before and
after, and change nothing when any line is refused (the caller's transaction rolls back)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, Slot
from app.core.errors import ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.inventory.models import MovementKind, PlanogramEntry
from app.inventory.services.inventory import record_movement
from app.items.models import Item
from app.org.models import User
from app.quotas.services import quotas
from app.webhooks.services import hooks as webhooks
from app.withdrawals.models import (
    DoorSession,
    SessionStatus,
    Withdrawal,
    WithdrawalLine,
    WithdrawalSource,
    WithdrawalStatus,
)
from app.withdrawals.services.closing import door_changed
from app.withdrawals.services.commit import commit
from app.withdrawals.services.recognition import Taken

Counts = dict[tuple[int, int], int]  # (slot id, item id) → units


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("error.required", field="reason")
    return reason[:255]


def _lines(session: Session, cabinet: Cabinet, counts: Counts) -> Taken:
    planned = {
        (e.slot_id, e.item_id)
        for e in session.exec(
            scoped_select(PlanogramEntry, TenantScope.single(cabinet.tenant_id)).where(
                PlanogramEntry.cabinet_id == cabinet.id
            )
        )
    }
    taken: Taken = []
    for (slot_id, item_id), n in sorted(counts.items()):
        if not isinstance(n, int) or n < 0:
            raise ValidationError("error.not_a_count", field="quantity", row=f"{slot_id}/{item_id}")
        if (slot_id, item_id) not in planned:
            raise ValidationError(
                "error.not_in_planogram", field="item", row=f"{slot_id}/{item_id}"
            )
        if n:
            taken.append((session.get_one(Slot, slot_id), session.get_one(Item, item_id), n))
    return taken


def resolve_exception(
    *,
    session: Session,
    scope: TenantScope,
    door_session_id: int,
    counts: Counts,
    reason: str,
    actor: Actor,
) -> Withdrawal | None:
    door = get_scoped_or_raise(session, DoorSession, door_session_id, scope)
    if door.status != SessionStatus.exception.value:
        raise ValidationError("error.not_an_exception", field="door_session")
    why = _reason(reason)
    cabinet = session.get_one(Cabinet, door.cabinet_id)
    withdrawal = commit(
        session, cabinet, door, _lines(session, cabinet, counts), WithdrawalSource.manual
    )
    door.status = SessionStatus.committed.value
    door.identification = (door.identification or {}) | {
        "resolved": {"by": actor.name, "reason": why}
    }
    door_changed(session, door)
    audit.record(
        session=session,
        action="withdrawal.resolve",
        entity="door_session",
        entity_id=door.id,
        tenant_id=door.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={"status": "exception"},
        after={"status": "committed", "reason": why, "lines": _as_text(counts)},
        ip=actor.ip,
    )
    session.flush()
    return withdrawal


def _as_text(counts: Counts) -> dict[str, int]:
    return {f"{slot}/{item}": n for (slot, item), n in sorted(counts.items())}


def correct_withdrawal(
    *,
    session: Session,
    scope: TenantScope,
    withdrawal_id: int,
    counts: Counts,
    reason: str,
    actor: Actor,
    now: datetime | None = None,
) -> Withdrawal:
    withdrawal = get_scoped_or_raise(session, Withdrawal, withdrawal_id, scope)
    why = _reason(reason)
    cabinet = session.get_one(Cabinet, withdrawal.cabinet_id)
    wanted = {(pk(slot), pk(item)): n for slot, item, n in _lines(session, cabinet, counts)}
    lines: dict[tuple[int, int], WithdrawalLine] = {}
    for line in session.exec(
        scoped_select(WithdrawalLine, scope).where(WithdrawalLine.withdrawal_id == withdrawal.id)
    ):
        if line.slot_id is None:  # its slot is gone (the key is set null): no count fits it
            raise ValidationError("error.not_in_planogram", field="item", row=f"-/{line.item_id}")
        lines[(line.slot_id, line.item_id)] = line
    before = {key: line.quantity for key, line in lines.items()}
    if wanted == before:
        raise ValidationError("error.nothing_to_correct", field="quantity")
    if not wanted:
        raise ValidationError("error.correction_empties_withdrawal", field="quantity")
    now = now or datetime.now(UTC)
    person = session.get_one(User, withdrawal.user_id)
    quota_delta = []
    for key in sorted(set(wanted) | set(before)):
        delta = wanted.get(key, 0) - before.get(key, 0)
        if not delta:
            continue
        slot_id, item_id = key
        item = session.get_one(Item, item_id)
        record_movement(
            session=session,
            tenant_id=withdrawal.tenant_id,
            cabinet_id=pk(cabinet),
            slot_id=slot_id,
            item_id=item_id,
            kind=MovementKind.correction,
            quantity_delta=-delta,
            withdrawal_id=withdrawal.id,
            actor_account_id=actor.account_id,
            reason=why,
            at=now,
        )
        quota_delta.append(quotas.Taken(item, delta))
        _restate_line(session, withdrawal, lines.get(key), key, wanted.get(key, 0), item)
    withdrawal.total_qty = sum(wanted.values())
    withdrawal.total_cost_cents = sum(
        n * session.get_one(Item, item_id).unit_cost_cents for (_, item_id), n in wanted.items()
    )
    withdrawal.status = WithdrawalStatus.corrected.value
    quotas.record_usage(session, person, quota_delta, withdrawal.created_at)
    webhooks.withdrawal_changed(session, withdrawal, "withdrawal.corrected", now)
    audit.record(
        session=session,
        action="withdrawal.correct",
        entity="withdrawal",
        entity_id=withdrawal.id,
        tenant_id=withdrawal.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={"lines": _as_text(before)},
        after={"lines": _as_text(wanted), "reason": why},
        ip=actor.ip,
    )
    session.flush()
    return withdrawal


def _restate_line(
    session: Session,
    withdrawal: Withdrawal,
    line: WithdrawalLine | None,
    key: tuple[int, int],
    quantity: int,
    item: Item,
) -> None:
    if line is None:
        session.add(
            WithdrawalLine.of(
                withdrawal,
                item_id=key[1],
                slot_id=key[0],
                quantity=quantity,
                unit_cost_cents=item.unit_cost_cents,
            )
        )
    elif quantity == 0:
        session.delete(line)
    else:
        line.quantity = quantity
        line.line_cost_cents = quantity * line.unit_cost_cents
