"""The employee's phone (the mobile page calls these): open a cabinet by scanning its QR code,
and see what was recorded. The checks are the badge's, the door session the same kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, or_, select

from app.approvals.models import ApprovalRequest, Decision
from app.approvals.queries import inbox
from app.approvals.services import approvals
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.errors import NotFoundError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.items.models import Item
from app.org.services.users import person_of
from app.quotas.services import quotas
from app.withdrawals.models import (
    ACTIVE_SESSION_STATUSES,
    AuthMethod,
    Complaint,
    DoorSession,
    Withdrawal,
    WithdrawalLine,
)
from app.withdrawals.queries.snapshot_evidence import own_after_picture
from app.withdrawals.services import complaints, sessions
from app.withdrawals.services.closing import NOT_OPENED
from app.withdrawals.services.opening import open_checked


@dataclass(frozen=True)
class Visit:
    door_session_id: int
    cabinet: str  # its name (what the person reads on the cabinet), not its code
    status: str  # unlocking | open | committed | exception | ...
    at: datetime
    lines: list[tuple[str, int, int]]  # item name, quantity, cost in fen
    complaint: Complaint | None = None  # the latest one about this visit
    photo: str | None = None  # the camera's after image of the person's slots (snapshot id)


@dataclass(frozen=True)
class AtCabinet:
    """The cabinet page's facts: the cabinet, the person's visits there, and whether someone
    else's door is open on it now."""

    cabinet: Cabinet
    visits: list[Visit]
    others_inside: bool


@dataclass(frozen=True)
class MyPage:
    quotas: list[quotas.Standing]
    requests: list[inbox.RequestView]
    visits: list[Visit]
    awaiting: list[inbox.RequestView]  # requests this person may decide now


def _shown_status(door: DoorSession) -> str:
    """The status a person is shown: an unlock they never used reads differently from one the
    cabinet never carried out."""
    reason = (door.identification or {}).get("reason")
    return NOT_OPENED if door.status == "expired" and reason == NOT_OPENED else door.status


def cabinet_by_code(session: Session, scope: TenantScope, code: str) -> Cabinet:
    cabinet = session.exec(scoped_select(Cabinet, scope).where(Cabinet.code == code)).first()
    if cabinet is None:  # another tenant's cabinet looks just as absent
        raise NotFoundError(entity="Cabinet", id=code)
    return cabinet


def open_by_phone(
    *, session: Session, scope: TenantScope, account_id: int, cabinet_code: str
) -> DoorSession:
    """The same checks as a badge; the refusal names why, in the person's language."""
    person = person_of(session, scope, account_id)
    cabinet = cabinet_by_code(session, scope, cabinet_code)
    return open_checked(
        session,
        cabinet,
        person,
        method=AuthMethod.qr,
        ref=f"u{person.id}",
        actor=Actor(account_id=account_id, name=person.name),
        refusals="door",
    )


def _photo(door: DoorSession) -> str | None:
    picture = own_after_picture(door.identification)
    return picture.snapshot if picture is not None else None


def my_visits(
    *,
    session: Session,
    scope: TenantScope,
    account_id: int,
    cabinet_id: int | None = None,
    limit: int = 20,
) -> list[Visit]:
    """The person's latest door sessions (at one cabinet, if given), newest first, with what
    each recorded."""
    person = person_of(session, scope, account_id)
    statement = scoped_select(DoorSession, scope).where(DoorSession.user_id == person.id)
    if cabinet_id is not None:
        statement = statement.where(DoorSession.cabinet_id == cabinet_id)
    doors = session.exec(statement.order_by(col(DoorSession.id).desc()).limit(limit)).all()
    cabinet_ids = {d.cabinet_id for d in doors}
    names = {
        c.id: c.name
        for c in session.exec(scoped_select(Cabinet, scope).where(col(Cabinet.id).in_(cabinet_ids)))
    }
    withdrawals = {
        w.door_session_id: w
        for w in session.exec(
            scoped_select(Withdrawal, scope).where(
                col(Withdrawal.door_session_id).in_([d.id for d in doors])
            )
        )
    }
    disputed = complaints.of_visits(session, [pk(d) for d in doors])
    visits = []
    for door in doors:
        withdrawal = withdrawals.get(door.id)
        lines = []
        if withdrawal is not None:
            rows = session.exec(
                select(Item.name, WithdrawalLine.quantity, WithdrawalLine.line_cost_cents)
                .join(Item, col(Item.id) == WithdrawalLine.item_id)
                .where(WithdrawalLine.withdrawal_id == withdrawal.id)
            ).all()
            lines = [(name, qty, cost) for name, qty, cost in rows]
        visits.append(
            Visit(
                pk(door),
                names[door.cabinet_id],
                _shown_status(door),
                door.closed_at or door.created_at,
                lines,
                disputed.get(pk(door)),
                _photo(door),
            )
        )
    return visits


def at_cabinet(
    *, session: Session, scope: TenantScope, account_id: int, code: str, limit: int = 5
) -> AtCabinet:
    """What the person's phone shows at one cabinet, in one unit of work."""
    person = person_of(session, scope, account_id)
    cabinet = cabinet_by_code(session, scope, code)
    visits = my_visits(
        session=session, scope=scope, account_id=account_id, cabinet_id=cabinet.id, limit=limit
    )
    others = session.exec(
        scoped_select(DoorSession, scope).where(
            DoorSession.cabinet_id == cabinet.id,
            col(DoorSession.status).in_([s.value for s in ACTIVE_SESSION_STATUSES]),
            or_(col(DoorSession.user_id).is_(None), DoorSession.user_id != person.id),
        )
    ).first()
    return AtCabinet(cabinet, visits, others is not None)


def my_page(*, session: Session, scope: TenantScope, account_id: int, now: datetime) -> MyPage:
    """Everything the person's own phone page shows, in one unit of work."""
    person = person_of(session, scope, account_id)
    return MyPage(
        quotas=quotas.standing(session, person, now),
        requests=inbox.mine(session=session, person=person),
        visits=my_visits(session=session, scope=scope, account_id=account_id),
        awaiting=inbox.awaiting(session=session, approver=person),
    )


def ask_for_more(
    *,
    session: Session,
    scope: TenantScope,
    account_id: int,
    reason: str,
    cabinet_code: str | None = None,
) -> ApprovalRequest:
    """Ask past a used-up quota; asked from a cabinet, its approval opens that cabinet at once
    if the person is still there."""
    person = person_of(session, scope, account_id)
    cabinet = cabinet_by_code(session, scope, cabinet_code) if cabinet_code else None
    return approvals.ask(
        session=session,
        requester=person,
        reason=reason,
        cabinet_id=cabinet.id if cabinet else None,
    )


def decide_by_phone(
    *,
    session: Session,
    scope: TenantScope,
    account_id: int,
    request_id: int,
    decision: Decision,
    comment: str | None = None,
) -> ApprovalRequest:
    approver = person_of(session, scope, account_id)
    request, _door = sessions.decide_and_open(
        session=session,
        scope=scope,
        request_id=request_id,
        approver=approver,
        decision=decision,
        comment=comment,
    )
    return request


def dispute(
    *, session: Session, scope: TenantScope, account_id: int, door_session_id: int, text: str
) -> Complaint:
    person = person_of(session, scope, account_id)
    return complaints.complain(
        session=session, scope=scope, person=person, door_session_id=door_session_id, text=text
    )
