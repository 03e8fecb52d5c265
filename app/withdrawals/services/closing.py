"""How door sessions end. A closed door's verdict: identify, then commit, raise an exception,
or — when a scale's load had not settled — ask the cabinet to read those scales again (protocol
v1.1 `cmd.reread`, answered by `door.reread`) and decide on the fresh series. A re-read is asked
once; no answer within REREAD_WAIT (a v1 cabinet, a cabinet offline, another door opened
meanwhile) ends the session as the exception it would have been, saying that the re-read did not
come. And a door that never opened: an unlock the cabinet did not carry out before it expired
ends its session (`expired`, reason `unlock_failed`), so the cabinet is free again and the
person's phone says so; a `door.opened` that still comes for it revives it (the visit is kept).
And a door that never reported closed: NO_CLOSE_WAIT after it opened with no `door.closed`, the
session becomes an exception (`no_close_event`) for the review queue with what is known, and the
cabinet is free; a `door.closed` that still comes for it is recorded and decided like any close
unless another door opened on the cabinet since (then it stays for a person, readings attached).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CommandKind, CommandStatus, DeviceCommand
from app.cabinets.services.commands import issue_command
from app.core.announce import announce
from app.core.memo import in_batch
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, scoped_select
from app.webhooks.services import hooks as webhooks
from app.withdrawals.models import DoorSession, SessionPurpose, SessionStatus, session_ref
from app.withdrawals.services import camera
from app.withdrawals.services.commit import commit, commit_restock
from app.withdrawals.services.door_open import (
    alert_doors_left_open,
    opened_before,
    overdue,
    person_name,
)
from app.withdrawals.services.identify import directed, unsettled_slots
from app.withdrawals.services.recognition import evidence, identify

REREAD_TTL = timedelta(seconds=20)  # the command's own lifetime (no resend after it)
REREAD_WAIT = timedelta(seconds=45)  # after this without an answer the session ends
UNLOCK_WAIT = timedelta(seconds=40)  # an unlock lives 30 s; then the door session ends
UNLOCK_FAILED = "unlock_failed"
# Unlocked (`done`) but nobody opened the door: the firmware relocks after RELOCK_S (§ 6); the
# session ends this long after it began, so that a person who walked away wedges nothing.
NOT_OPENED_WAIT = timedelta(minutes=2)
NOT_OPENED = "door_not_opened"
NO_CLOSE_WAIT = timedelta(minutes=30)  # a door opened this long ago that never reported closed
NO_CLOSE = "no_close_event"
SYSTEM = Actor(account_id=None, name="door sessions")


def door_changed(session: Session, door: DoorSession) -> None:
    """Tell the pages following this door (the person's phone, the consoles) once committed."""
    if door.id is None or not in_batch(session):  # a batch's doors are written together
        session.flush()
    announce(
        session,
        door.tenant_id,
        "door",
        door=door.id,
        cabinet=door.cabinet_id,
        user=door.user_id,
        status=door.status,
    )


def became_exception(session: Session, door: DoorSession) -> str:
    """The session is left for a person to review: pages told, webhook subscribers too."""
    door.status = SessionStatus.exception.value
    door_changed(session, door)
    webhooks.exception_raised(session, door)
    return "exception"


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def decide(
    session: Session,
    cabinet: Cabinet,
    door: DoorSession,
    *,
    ref: str,
    may_reread: bool,
    fresh: Collection[str] | None = None,
) -> str:
    """Identify the session from what it keeps (readings, tags, the close's time) and end it:
    `committed`, `exception`, or `rereading` while a re-read is asked. `fresh`: the slots whose
    readings are new (a re-read's), the only ones whose series then teach their scale."""
    if camera.wanted(
        session, cabinet, door
    ):  # decided when the detector has seen it (services/sight.py)
        camera.start_waiting(door)
        door.status = SessionStatus.closed.value
        door_changed(session, door)
        return "seeing"
    closed = (door.identification or {}).get("closed", {})
    restock = door.purpose == SessionPurpose.restock.value
    with session.no_autoflush:  # one UPDATE of the session row, not one per query below
        verdict, taken = identify(
            session,
            cabinet,
            list((door.readings_after or {}).values()),
            restock=restock,
            rfid_before=door.rfid_before,
            rfid_after=door.rfid_after if closed.get("rfid") else None,
            closed_at_ms=closed.get("at"),
            learn_slots=fresh,
            seen=camera.slot_snapshots(door),
        )
    verdict = directed(verdict, restock)
    door.identification = (door.identification or {}) | evidence(verdict)
    slots = unsettled_slots(verdict.readings) if verdict.reason == "weight_unstable" else []
    if slots and may_reread:
        _ask_reread(session, cabinet, door, ref, slots)
        return "rereading"
    if verdict.status != "committed":
        return became_exception(session, door)
    door.status = SessionStatus.committed.value  # before the commit's flush: one UPDATE of it
    (commit_restock if restock else commit)(session, cabinet, door, taken)
    door_changed(session, door)
    return "committed"


def _ask_reread(
    session: Session, cabinet: Cabinet, door: DoorSession, ref: str, slots: list[str]
) -> None:
    now = datetime.now(UTC)
    command = issue_command(
        session=session,
        scope=TenantScope.single(cabinet.tenant_id),
        cabinet_id=pk(cabinet),
        kind="reread",
        args={"session": ref, "slots": slots},
        actor=SYSTEM,
        now=now,
        ttl=REREAD_TTL,
    )
    asked = {"command": command.command_id, "slots": slots, "asked_at": _ms(now)}
    door.identification = (door.identification or {}) | {"reread": asked}
    door.status = SessionStatus.closed.value
    door_changed(session, door)


def apply_reread(
    session: Session, cabinet: Cabinet, door: DoorSession, ref: str, body: dict[str, Any]
) -> str:
    """The fresh series of the scales asked for replace their door-closed readings; the
    session is decided on them (no second re-read). An answer to another command, or one
    that comes after another door opened on this cabinet, is not used."""
    asked = (door.identification or {}).get("reread") or {}
    if door.status != SessionStatus.closed.value or body.get("command") != asked.get("command"):
        return "ignored"
    if _another_door_opened(session, cabinet, door):
        return give_up(session, door, "another_door_opened")
    readings = dict(door.readings_after or {})
    for fresh in body.get("readings", []):
        if fresh["slot"] in asked["slots"] and fresh["slot"] in readings:
            keep = {k: fresh[k] for k in ("after_mg", "stable", "series_mg")}
            readings[fresh["slot"]] = readings[fresh["slot"]] | keep
    door.readings_after = readings
    closed = (door.identification or {}).get("closed", {})
    door.identification = (door.identification or {}) | {
        "closed": closed | {"at": body["at"]},
        "reread": asked | {"answered_at": body["at"]},
    }
    return decide(session, cabinet, door, ref=ref, may_reread=False, fresh=asked["slots"])


def _another_door_opened(session: Session, cabinet: Cabinet, door: DoorSession) -> bool:
    later = session.exec(
        scoped_select(DoorSession, TenantScope.single(cabinet.tenant_id)).where(
            DoorSession.cabinet_id == cabinet.id,
            col(DoorSession.id) > door.id,
            col(DoorSession.opened_at).is_not(None),
        )
    ).first()
    return later is not None


def give_up(session: Session, door: DoorSession, why: str) -> str:
    """The re-read did not come (or cannot be used): the exception the session would have been."""
    asked = (door.identification or {}).get("reread") or {}
    door.identification = (door.identification or {}) | {"reread": asked | {"unanswered": why}}
    return became_exception(session, door)


def sweep(*, session: Session, now: datetime | None = None) -> dict[str, int]:
    """The periodic end of stuck door sessions (unanswered re-reads, unlocks never carried out,
    doors that never reported closed) and the alert for doors open past the tenant's limit."""
    return {
        "rereads": give_up_overdue(session=session, now=now),
        "unlocks": end_failed_unlocks(session=session, now=now),
        "unclosed": end_unclosed(session=session, now=now),
        "left_open": alert_doors_left_open(session=session, now=now),
    }


def end_unclosed(*, session: Session, now: datetime | None = None) -> int:
    """Every session whose door opened NO_CLOSE_WAIT ago and never reported closed becomes an
    exception for a person, with what is known (who, when it opened, the cabinet's last word on
    its door; the EPCs present at the opening stay in `rfid_before`): the cabinet is free."""
    now = now or datetime.now(UTC)
    doors = opened_before(session, now - NO_CLOSE_WAIT)
    for door in doors:
        if door.opened_at is None:  # not selected (opened before the cutoff)
            continue
        cabinet = session.get_one(Cabinet, door.cabinet_id)
        heard = as_utc(cabinet.last_heartbeat_at)
        known = {
            "person": person_name(session, door),
            "opened_at": _ms(as_utc(door.opened_at)),
            "ended_at": _ms(now),
            "epcs_at_opening": len(door.rfid_before or []),
            "door": cabinet.door_state,
            "heartbeat_at": _ms(heard) if heard is not None else None,
            "online": cabinet.is_online,
        }
        door.identification = (door.identification or {}) | {"reason": NO_CLOSE, "no_close": known}
        became_exception(session, door)
    return len(doors)


def closes_late(door: DoorSession) -> bool:
    """A door.closed for a session already ended for want of it."""
    return (
        door.status == SessionStatus.exception.value
        and (door.identification or {}).get("reason") == NO_CLOSE
    )


def decide_late(session: Session, cabinet: Cabinet, door: DoorSession, *, ref: str) -> str:
    """The late close's readings are recorded (on_closed). With no other door opened on the
    cabinet since, nobody else was let in: decided like any close (no re-read). Otherwise what
    the scales say may be someone else's visit too: it stays an exception for a person."""
    if not _another_door_opened(session, cabinet, door):
        return decide(session, cabinet, door, ref=ref, may_reread=False)
    late = (door.identification or {}).get("no_close", {}) | {"closed_late": True}
    door.identification = (door.identification or {}) | {"no_close": late}
    door_changed(session, door)
    return "exception"


def end_failed_unlocks(*, session: Session, now: datetime | None = None) -> int:
    """Every session still `unlocking` UNLOCK_WAIT after it began whose unlock the cabinet did
    not report done (never acked, acked `received` only, failed, expired), or NOT_OPENED_WAIT
    after it began though unlocked (nobody opened the door): ended, cabinet free."""
    now = now or datetime.now(UTC)
    stuck = overdue(session, SessionStatus.unlocking, DoorSession.created_at, now - UNLOCK_WAIT)
    ended = 0
    for door in stuck:
        unlock = _unlock_of(session, door)
        outcome = unlock.status if unlock is not None else "missing"
        reason = UNLOCK_FAILED
        if outcome == CommandStatus.succeeded.value:
            if now - as_utc(door.created_at) < NOT_OPENED_WAIT:
                continue  # the lock opened: the person may still pull the door
            reason = NOT_OPENED  # unlocked, never opened: the person walked away
        door.identification = (door.identification or {}) | {"reason": reason, "unlock": outcome}
        door.status = SessionStatus.expired.value
        door_changed(session, door)
        ended += 1
    return ended


def _unlock_of(session: Session, door: DoorSession) -> DeviceCommand | None:
    ref = session_ref(door)
    commands = session.exec(
        scoped_select(DeviceCommand, TenantScope.single(door.tenant_id))
        .where(
            DeviceCommand.cabinet_id == door.cabinet_id,
            DeviceCommand.kind == CommandKind.unlock.value,
            DeviceCommand.created_at >= door.created_at - timedelta(seconds=5),
        )
        .order_by(col(DeviceCommand.id))
        .limit(20)
    ).all()
    return next((c for c in commands if (c.payload or {}).get("session") == ref), None)


def revives(door: DoorSession) -> bool:
    """A door reported open for a session its unlock had given up on: it did open after all."""
    return door.status == SessionStatus.expired.value and (door.identification or {}).get(
        "reason"
    ) in (UNLOCK_FAILED, NOT_OPENED)


def give_up_overdue(*, session: Session, now: datetime | None = None) -> int:
    """Every session still waiting for a re-read after REREAD_WAIT ends as an exception."""
    cutoff = _ms((now or datetime.now(UTC)) - REREAD_WAIT)
    waiting = session.exec(
        scoped_select(DoorSession, TenantScope.platform())
        .where(DoorSession.status == SessionStatus.closed.value)
        .order_by(col(DoorSession.id))
        .limit(500)
    ).all()
    overdue = [
        d
        for d in waiting
        if (d.identification or {}).get("reread", {}).get("asked_at", cutoff) < cutoff
    ]  # a closed session without a re-read asked waits for the camera (services/sight.py)
    for door in overdue:
        give_up(session, door, "no_answer")
    return len(overdue)
