"""Employees' complaints about what a visit recorded ("I took one, not two"), and the answers
given at the console. A complaint is about one of the person's own visits; a visit has at most
one open complaint; an answer is final and audited (a correction, if one is due, is made with
app/withdrawals/services/corrections.py and mentioned in the answer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.cabinets.queries.options import cabinet_label
from app.core.errors import NotFoundError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter, scoped_select
from app.core.text import refuse_unsafe
from app.org.models import User
from app.withdrawals.models import Complaint, ComplaintStatus, DoorSession, Withdrawal

MAX_TEXT = 500


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    door_session_id: int
    withdrawal_id: int | None
    person: str
    cabinet: str
    text: str
    status: str
    answer: str | None
    created_at: datetime


def _text(value: str, field: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationError("error.required", field=field)
    if len(cleaned) > MAX_TEXT:
        raise ValidationError("error.too_long", field=field, max=MAX_TEXT)
    return refuse_unsafe(cleaned, field, multiline=True)


def complain(
    *, session: Session, scope: TenantScope, person: User, door_session_id: int, text: str
) -> Complaint:
    door = session.exec(
        scoped_select(DoorSession, scope).where(DoorSession.id == door_session_id)
    ).first()
    if door is None or door.user_id != person.id:  # someone else's visit looks just as absent
        raise NotFoundError(entity="DoorSession", id=door_session_id)
    complaint = Complaint(
        tenant_id=door.tenant_id,
        door_session_id=pk(door),
        user_id=pk(person),
        text=_text(text, "complaint"),
    )
    try:
        with session.begin_nested():
            session.add(complaint)
            session.flush()
    except IntegrityError:
        raise ValidationError("complaint.already_open", field="complaint") from None
    audit.record(
        session=session,
        action="complaint.file",
        entity="complaint",
        entity_id=complaint.id,
        tenant_id=complaint.tenant_id,
        actor_account_id=person.account_id,
        actor_name=person.name,
        after={"door_session": door.id, "text": complaint.text},
    )
    return complaint


def answer(
    *, session: Session, scope: TenantScope, complaint_id: int, text: str, actor: Actor
) -> Complaint:
    complaint = get_scoped_or_raise(session, Complaint, complaint_id, scope)
    if complaint.status != ComplaintStatus.open.value:
        raise ValidationError("complaint.already_answered", field="complaint")
    complaint.answer = _text(text, "answer")
    complaint.status = ComplaintStatus.answered.value
    complaint.answered_by = actor.name[:80] if actor.name else None
    complaint.answered_at = datetime.now(UTC)
    audit.record(
        session=session,
        action="complaint.answer",
        entity="complaint",
        entity_id=complaint.id,
        tenant_id=complaint.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={"status": ComplaintStatus.open.value},
        after={"status": complaint.status, "answer": complaint.answer},
    )
    session.flush()
    return complaint


def of_visits(session: Session, door_session_ids: list[int]) -> dict[int, Complaint]:
    """The latest complaint about each of these visits."""
    latest: dict[int, Complaint] = {}
    statement = select(Complaint).where(col(Complaint.door_session_id).in_(door_session_ids))
    for complaint in session.exec(statement.order_by(col(Complaint.id))):
        latest[complaint.door_session_id] = complaint
    return latest


def waiting(*, session: Session, scope: TenantScope, limit: int = 50) -> list[ComplaintRow]:
    """Open complaints, oldest first (the console's queue)."""
    rows = session.exec(
        select(Complaint, User.name, Cabinet.name, Cabinet.code, Withdrawal.id)  # type: ignore[call-overload]
        .join(User, User.id == Complaint.user_id)
        .join(DoorSession, DoorSession.id == Complaint.door_session_id)
        .join(Cabinet, Cabinet.id == DoorSession.cabinet_id)
        .outerjoin(Withdrawal, Withdrawal.door_session_id == DoorSession.id)
        .where(Complaint.status == ComplaintStatus.open.value)
        .where(scope_filter(Complaint, scope))
        .order_by(Complaint.id)
        .limit(limit)
    ).all()
    return [
        ComplaintRow(
            id=c.id,
            door_session_id=c.door_session_id,
            withdrawal_id=withdrawal_id,
            person=name,
            cabinet=cabinet_label(cabinet, code),
            text=c.text,
            status=c.status,
            answer=c.answer,
            created_at=c.created_at,
        )
        for c, name, cabinet, code, withdrawal_id in rows
    ]
