"""An unlock the cabinet never carries out must not wedge the cabinet (issue 16, "Why"): the
command is not sent after it expires, the door session ends `expired` (`unlock_failed`) so the
next person can open, and a `door.opened` that still comes for it keeps the visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.cabinets.models import DeviceCommand
from app.cabinets.services.commands import prepare_sends, record_ack
from app.cabinets.services.credentials import provision
from app.core.tenancy import TenantScope
from app.org.models import User
from app.withdrawals.models import AuthMethod, DoorSession, SessionStatus
from app.withdrawals.services import closing, sessions
from tests.factories import make_cabinet, make_tenant

ADMIN = Actor(account_id=None, name="admin")


def _unlocking(session: Session):
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    cabinet.is_online = True
    provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=cabinet.id, actor=ADMIN
    )
    people = [User(tenant_id=tenant.id, name=name) for name in ("王芳", "李雷")]
    session.add_all(people)
    session.flush()
    door = _open(session, cabinet, people[0])
    assert door is not None and door.status == SessionStatus.unlocking.value
    return cabinet, door, people


def _open(session: Session, cabinet, person) -> DoorSession | None:
    return sessions.open_door(
        session,
        cabinet,
        method=AuthMethod.card,
        by={"method": "card", "ref": "C1"},
        actor=ADMIN,
        user_id=person.id,
    )


def _unlock(session: Session, door: DoorSession) -> DeviceCommand:
    return session.exec(select(DeviceCommand).where(DeviceCommand.kind == "unlock")).all()[-1]


def _acked(session: Session, door: DoorSession, status: str) -> datetime:
    """The cabinet acknowledges the session's unlock with `status`; when the session began."""
    command = _unlock(session, door)
    body = {"command": command.command_id, "status": status}
    record_ack(session=session, cabinet_id=door.cabinet_id, body=body)
    return door.created_at.replace(tzinfo=UTC)


def test_an_unlock_is_never_sent_after_it_expires(session: Session) -> None:
    _cabinet, door, _ = _unlocking(session)
    command = _unlock(session, door)
    start = command.created_at.replace(tzinfo=UTC)
    sent = [
        t
        for t in (0, 15, 29, 30, 60)
        if prepare_sends(session=session, now=start + timedelta(seconds=t))
    ]
    assert sent == [0, 15]  # the 30 s and 60 s copies would arrive expired
    assert command.status == "expired"
    assert command.result == {"reason": "expired_unacknowledged", "attempts": 2}


def test_a_never_acked_unlock_frees_the_cabinet_and_says_so(session: Session) -> None:
    cabinet, door, people = _unlocking(session)
    assert _open(session, cabinet, people[1]) is None  # busy while the first one unlocks
    begun = door.created_at.replace(tzinfo=UTC)
    assert closing.sweep(session=session, now=begun + timedelta(seconds=30))["unlocks"] == 0
    assert closing.sweep(session=session, now=begun + timedelta(seconds=41))["unlocks"] == 1
    assert door.status == SessionStatus.expired.value
    assert door.identification == {"reason": "unlock_failed", "unlock": "pending"}
    assert _open(session, cabinet, people[1]) is not None  # the next person can open


def test_an_unlocked_door_nobody_opened_frees_the_cabinet_after_two_minutes(
    session: Session,
) -> None:
    """The lock opened (`done`) and the person walked away (DOC-FINDINGS F14): the session was
    `unlocking` for ever and every later badge refused `cabinet_busy`."""
    cabinet, door, people = _unlocking(session)
    begun = _acked(session, door, "done")
    assert closing.sweep(session=session, now=begun + timedelta(seconds=90))["unlocks"] == 0
    assert door.status == SessionStatus.unlocking.value  # still time to pull the door
    assert closing.sweep(session=session, now=begun + timedelta(minutes=2))["unlocks"] == 1
    assert door.status == SessionStatus.expired.value
    assert door.identification == {"reason": "door_not_opened", "unlock": "succeeded"}
    assert closing.revives(door)  # a door.opened that still comes keeps the visit
    assert _open(session, cabinet, people[1]) is not None


def test_a_door_opened_after_its_unlock_was_given_up_keeps_the_visit(session: Session) -> None:
    cabinet, door, _ = _unlocking(session)
    begun = _acked(session, door, "received")
    closing.sweep(session=session, now=begun + timedelta(seconds=45))
    assert door.identification["unlock"] == "acked"  # received, never done: given up too
    body = {
        "session": sessions.session_ref(door),
        "at": int(datetime.now(UTC).timestamp() * 1000),
        "by": {"method": "card", "ref": "C1"},
    }
    assert sessions.on_opened(session=session, cabinet=cabinet, body=body).status == "opened"
    assert door.status == SessionStatus.open.value and "reason" not in door.identification


def test_a_late_opening_does_not_take_the_cabinet_from_the_next_person(session: Session) -> None:
    cabinet, door, people = _unlocking(session)
    begun = door.created_at.replace(tzinfo=UTC)
    closing.sweep(session=session, now=begun + timedelta(seconds=45))
    nxt = _open(session, cabinet, people[1])
    assert nxt is not None
    body = {
        "session": sessions.session_ref(door),
        "at": int(datetime.now(UTC).timestamp() * 1000),
        "by": {"method": "card", "ref": "C1"},
    }
    sessions.on_opened(session=session, cabinet=cabinet, body=body)
    assert door.status == SessionStatus.expired.value  # the cabinet is the next person's
    assert nxt.status == SessionStatus.unlocking.value
