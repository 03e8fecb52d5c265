"""Door sessions driven by what cabinets report (issue 5, first slice):

auth.card → the person (active, this tenant, card on file), the cabinet (online, no other door
open) → a session and an unlock command → door.opened → door.closed with per-slot readings →
identification by weight against the slot's planogram and stock → commit: one withdrawal with its
lines and the matching ledger movements in the same transaction; or an exception carrying the
evidence. A cabinet that opened on its offline lease (`lease_card`) reports the session when it
is back; it is recorded the same way. Quotas and approvals hook in at `refusal`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.approvals.models import ApprovalRequest, Decision
from app.approvals.services import approvals
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CabinetStatus, DeviceMessage
from app.cabinets.services.commands import issue_command
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.org.models import User
from app.quotas.services import quotas
from app.tenants.models import ProviderStaff, ProviderStaffTenant
from app.tenants.services.status import is_suspended
from app.withdrawals.models import (
    ACTIVE_SESSION_STATUSES,
    SESSION_PREFIX,
    AuthMethod,
    DoorSession,
    SessionPurpose,
    SessionStatus,
    session_ref,
)
from app.withdrawals.services import closing
from app.withdrawals.services.closing import SYSTEM, door_changed
from app.withdrawals.services.door_open import RESTOCK_TIMES

logger = logging.getLogger(__name__)
MAX_OPEN_S = 120
UNLOCK_TTL = timedelta(seconds=30)
CARD_FRESH = timedelta(seconds=20)  # a person waits at the door about this long
BUFFERED = timedelta(seconds=3)  # sent this long after it happened: it waited in the outbox
CLOSABLE = (SessionStatus.open.value, SessionStatus.unlocking.value)


@dataclass(frozen=True)
class Outcome:
    status: str  # unlocking | refused | opened | committed | exception | ignored
    reason: str | None = None
    door_session_id: int | None = None


def _when(ms: int | None) -> datetime:
    """The cabinet's time of the event (its schema requires it; now, for a record without)."""
    return datetime.fromtimestamp(ms / 1000, UTC) if ms else datetime.now(UTC)


def _person_by_card(session: Session, tenant_id: int, card: str) -> User | None:
    statement = scoped_select(User, TenantScope.single(tenant_id)).where(User.badge_card_no == card)
    return session.exec(statement).first()


def _active_session(session: Session, cabinet: Cabinet) -> DoorSession | None:
    statement = scoped_select(DoorSession, TenantScope.single(cabinet.tenant_id)).where(
        DoorSession.cabinet_id == cabinet.id,
        col(DoorSession.status).in_([s.value for s in ACTIVE_SESSION_STATUSES]),
    )
    return session.exec(statement).first()


def out_of_service(cabinet: Cabinet, *, staff: bool = False) -> str | None:
    """Why a cabinet opens for nobody (retired), or for no employee (maintenance: only an
    admin's console unlock or a technician's restock, `staff`); None when in service."""
    if cabinet.status == CabinetStatus.retired.value:
        return "cabinet_retired"
    if cabinet.status == CabinetStatus.maintenance.value and not staff:
        return "cabinet_maintenance"
    return None


def refusal(
    session: Session, cabinet: Cabinet, person: User | None, *, staff: bool = False
) -> tuple[str | None, ApprovalRequest | None]:
    """Why this person may not open this cabinet now (None: they may), and the approval that
    lets them past a used-up quota. `staff`: opened by an admin from the console."""
    if person is None:
        return "unknown_card", None
    if not person.is_active:
        return "person_disabled", None
    if is_suspended(session, cabinet.tenant_id):
        return "tenant_suspended", None  # its data kept; nobody of it takes anything
    closed = out_of_service(cabinet, staff=staff)
    if closed is not None:
        return closed, None
    if not cabinet.is_online:
        return "cabinet_offline", None
    if _active_session(session, cabinet) is not None:
        return "cabinet_busy", None
    now = datetime.now(UTC)
    used_up = quotas.blocking_rule(session, person, now)
    if used_up is None:
        return None, None
    if used_up.over_policy != "require_approval":
        return "quota_used_up", None
    approval = approvals.usable(session=session, person=person, now=now)
    return ("approval_required", None) if approval is None else (None, approval)


def open_door(
    session: Session,
    cabinet: Cabinet,
    *,
    method: AuthMethod,
    by: dict[str, str],
    actor: Actor,
    user_id: int | None = None,
    staff_id: int | None = None,
    purpose: SessionPurpose = SessionPurpose.withdrawal,
) -> DoorSession | None:
    """A door session and its unlock command; None when another door is open on the cabinet."""
    door = DoorSession(
        tenant_id=cabinet.tenant_id,
        cabinet_id=pk(cabinet),
        user_id=user_id,
        provider_staff_id=staff_id,
        purpose=purpose.value,
        auth_method=method.value,
        status=SessionStatus.unlocking.value,
    )
    try:
        with session.begin_nested():  # the partial unique index: one open door per cabinet
            session.add(door)
            session.flush()
    except IntegrityError:
        return None
    restocking = purpose == SessionPurpose.restock
    issue_command(
        session=session,
        scope=TenantScope.single(cabinet.tenant_id),
        cabinet_id=pk(cabinet),
        kind="unlock",
        args={
            "session": session_ref(door),
            "by": by,
            "max_open_s": MAX_OPEN_S * (RESTOCK_TIMES if restocking else 1),
        },
        actor=actor,
        ttl=UNLOCK_TTL,
    )
    door_changed(session, door)
    return door


def staleness(body: dict[str, Any], sent: datetime | None) -> str | None:
    """Why a badge or PIN is not decided now (None: it is fresh). `history`: kept in the
    cabinet's outbox (sent well after it happened, by the cabinet's own clock: it was offline
    and its lease answered) — nobody is waiting. `too_late`: sent at once, but it reached us
    more than CARD_FRESH after it happened by our clock (delayed, or the cabinet's clock is
    behind): the person is told to badge again rather than left waiting in silence."""
    at = _when(body.get("at"))
    if sent is not None and sent - at > BUFFERED:
        return "history"
    return "too_late" if datetime.now(UTC) - at > CARD_FRESH else None


def too_late() -> Outcome:
    return Outcome("refused", "badge_too_late")


def on_card(
    *, session: Session, cabinet: Cabinet, body: dict[str, Any], sent: datetime | None = None
) -> Outcome:
    """A badge at the cabinet: open a door session and send the unlock, or say why not. A stale
    badge never unlocks."""
    stale = staleness(body, sent)
    if stale is not None:
        return Outcome("ignored", "stale_card") if stale == "history" else too_late()
    person = _person_by_card(session, cabinet.tenant_id, body.get("card", ""))
    return open_at_cabinet(session, cabinet, person, AuthMethod.card, body.get("card", ""))


def open_at_cabinet(
    session: Session, cabinet: Cabinet, person: User | None, method: AuthMethod, ref: str
) -> Outcome:
    """Someone identified at the cabinet itself (card, PIN): the checks, then the unlock."""
    reason, approval = refusal(session, cabinet, person)
    if reason is not None or person is None:  # no person: refused as an unknown card
        logger.info("%s refused at %s: %s", method.value, cabinet.code, reason)
        return Outcome("refused", reason)
    door = open_door(
        session,
        cabinet,
        user_id=person.id,
        method=method,
        by={"method": method.value, "ref": ref},
        actor=SYSTEM,
    )
    if door is None:
        return Outcome("refused", "cabinet_busy")
    if approval is not None:
        approvals.use(session=session, request=approval, door=door)
    return Outcome("unlocking", door_session_id=door.id)


def _session_of(session: Session, cabinet: Cabinet, ref: str) -> DoorSession | None:
    if not ref.startswith(SESSION_PREFIX) or not ref[len(SESSION_PREFIX) :].isdigit():
        return None
    door = session.get(DoorSession, int(ref[len(SESSION_PREFIX) :]))
    if door is None or door.cabinet_id != cabinet.id or door.tenant_id != cabinet.tenant_id:
        return None
    return door


def _offline_session(
    session: Session, cabinet: Cabinet, body: dict[str, Any]
) -> DoorSession | None:
    """The cabinet opened on its lease while it could not reach us: record who it was."""
    by = body.get("by", {})
    if by.get("method") != "lease_card":
        return None
    person = _person_by_card(session, cabinet.tenant_id, by.get("ref", ""))
    if person is None:
        return None
    door = DoorSession(
        tenant_id=cabinet.tenant_id,
        cabinet_id=pk(cabinet),
        user_id=person.id,
        auth_method=AuthMethod.offline_card.value,
        status=SessionStatus.open.value,
        identification={"cabinet_session": body.get("session", "")},
    )
    try:
        with session.begin_nested():
            session.add(door)
            session.flush()
    except IntegrityError:  # the cloud still thinks another door is open on this cabinet
        logger.warning("offline session at %s overlaps an open one; not recorded", cabinet.code)
        return None
    return door


def _lease_session(session: Session, cabinet: Cabinet, ref: str) -> DoorSession | None:
    """An offline session already recorded under the cabinet's own session id."""
    recent = session.exec(
        scoped_select(DoorSession, TenantScope.single(cabinet.tenant_id))
        .where(
            DoorSession.cabinet_id == cabinet.id,
            DoorSession.auth_method == AuthMethod.offline_card.value,
        )
        .order_by(col(DoorSession.id).desc())
        .limit(50)
    )
    return next((d for d in recent if (d.identification or {}).get("cabinet_session") == ref), None)


def _stored_opening(session: Session, cabinet: Cabinet, ref: str) -> dict[str, Any] | None:
    """The `door.opened` of this session, stored before its `door.closed` (the gateway stores a
    cabinet's messages in order) though perhaps not applied yet by its own job."""
    recent = session.exec(
        scoped_select(DeviceMessage, TenantScope.single(cabinet.tenant_id))
        .where(DeviceMessage.cabinet_id == cabinet.id, DeviceMessage.type == "door.opened")
        .order_by(col(DeviceMessage.id).desc())
        .limit(20)
    )
    bodies = (m.payload.get("body", {}) for m in recent)
    return next((b for b in bodies if b.get("session") == ref), None)


def _door_of(session: Session, cabinet: Cabinet, ref: str) -> DoorSession | None:
    return _session_of(session, cabinet, ref) or _lease_session(session, cabinet, ref)


def on_opened(*, session: Session, cabinet: Cabinet, body: dict[str, Any]) -> Outcome:
    ref = body.get("session", "")
    door = _door_of(session, cabinet, ref) or _offline_session(session, cabinet, body)
    if door is None:
        logger.warning("door opened at %s for an unknown session", cabinet.code)
        return Outcome("ignored", "unknown_session")
    if door.status in (SessionStatus.authorized.value, SessionStatus.unlocking.value):
        door.status = SessionStatus.open.value
    elif closing.revives(door) and not _revive(session, door):
        logger.warning(
            "door opened at %s for a given-up unlock; another door is active", cabinet.code
        )
    door.opened_at = door.opened_at or _when(body.get("at"))
    if door.rfid_before is None and "rfid" in body:
        door.rfid_before = list(body["rfid"])
    door_changed(session, door)
    return Outcome("opened", door_session_id=door.id)


def _revive(session: Session, door: DoorSession) -> bool:
    """The unlock was given up on, yet the door opened: the visit is kept (unless another door
    session has taken the cabinet meanwhile — the partial unique index says so)."""
    kept = door.identification
    try:
        with session.begin_nested():
            door.status = SessionStatus.open.value
            door.identification = {k: v for k, v in (kept or {}).items() if k != "reason"}
            session.flush()
    except IntegrityError:
        door.status, door.identification = SessionStatus.expired.value, kept
        return False
    return True


def _find_closed_session(session: Session, cabinet: Cabinet, ref: str) -> DoorSession | None:
    door = _door_of(session, cabinet, ref)
    if door is None:  # its opening is not applied yet (jobs run side by side): apply it now
        opening = _stored_opening(session, cabinet, ref)
        if opening is not None:
            on_opened(session=session, cabinet=cabinet, body=opening)
            door = _door_of(session, cabinet, ref)
    return door


def on_closed(*, session: Session, cabinet: Cabinet, body: dict[str, Any]) -> Outcome:
    """The door closed: identify what was taken and commit it, raise an exception, or ask the
    cabinet to read unsettled scales again (app/withdrawals/services/closing.py). The close of a
    session already given up for want of it is still recorded (closing.decide_late)."""
    ref = body.get("session", "")
    door = _find_closed_session(session, cabinet, ref)
    late = door is not None and closing.closes_late(door)
    if door is None or (not late and door.status not in CLOSABLE):
        return Outcome("ignored", "unknown_session")
    door.closed_at = _when(body.get("at"))
    door.readings_after = {r["slot"]: r for r in body.get("readings", [])}
    door.rfid_after = list(body.get("rfid", []))
    door.snapshot_id = body.get("snapshot")
    closed = {"at": body.get("at"), "rfid": "rfid" in body}
    if body.get("snapshots"):  # the camera's images of the visit (§ 13): the session waits
        closed["snapshots"] = body["snapshots"]
    door.identification = (door.identification or {}) | {"closed": closed}
    if late:
        status = closing.decide_late(session, cabinet, door, ref=ref)
    else:
        status = closing.decide(session, cabinet, door, ref=ref, may_reread=True)
    return Outcome(status, (door.identification or {}).get("reason"), door.id)


def on_reread(*, session: Session, cabinet: Cabinet, body: dict[str, Any]) -> Outcome:
    """A cabinet's fresh series of the scales a `cmd.reread` named: the session is decided."""
    ref = body.get("session", "")
    door = _door_of(session, cabinet, ref)
    if door is None:
        return Outcome("ignored", "unknown_session")
    status = closing.apply_reread(session, cabinet, door, ref, body)
    return Outcome(status, (door.identification or {}).get("reason"), door.id)


def start_restock(
    *, session: Session, scope: TenantScope, cabinet_id: int, staff_id: int, actor: Actor
) -> DoorSession:
    """A service provider's staff member opens a cabinet of a tenant they serve to restock it;
    what they put in is weighed and booked when the door closes (and closes the order)."""
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    staff = session.get(ProviderStaff, staff_id)
    serves = (
        staff is not None
        and session.exec(
            select(ProviderStaffTenant.id).where(
                ProviderStaffTenant.staff_id == staff.id,
                ProviderStaffTenant.tenant_id == cabinet.tenant_id,
            )
        ).first()
    )
    if staff is None or not serves or not staff.is_active:
        raise PermissionDeniedError("restock.not_serving")
    if out_of_service(cabinet, staff=True) is not None:
        raise ValidationError("unlock.refused_cabinet_retired", field="cabinet")
    if not cabinet.is_online:
        raise ValidationError("cabinet.offline", field="cabinet")
    door = open_door(
        session,
        cabinet,
        staff_id=staff.id,
        purpose=SessionPurpose.restock,
        method=AuthMethod.console,
        by={"method": "command", "ref": f"staff-{staff.id}"},
        actor=actor,
    )
    if door is None:
        raise ValidationError("cabinet.busy", field="cabinet")
    return door


def decide_and_open(
    *,
    session: Session,
    scope: TenantScope,
    request_id: int,
    approver: User,
    decision: Decision,
    comment: str | None = None,
) -> tuple[ApprovalRequest, DoorSession | None]:
    """An approver decides; a final approval for someone still waiting at the cabinet they asked
    from opens its door right away (the approval is then used)."""
    request = approvals.decide(
        session=session,
        scope=scope,
        request_id=request_id,
        approver=approver,
        decision=decision,
        comment=comment,
    )
    now = datetime.now(UTC)
    if request.status != "approved" or not approvals.still_waiting(request, now):
        return request, None
    cabinet = session.get(Cabinet, request.cabinet_id)
    if cabinet is None or not cabinet.is_online or out_of_service(cabinet) is not None:
        return request, None
    door = open_door(
        session,
        cabinet,
        user_id=request.requester_id,
        method=AuthMethod.qr,
        by={"method": "qr", "ref": f"approval-{request.id}"},
        actor=Actor(account_id=approver.account_id, name=approver.name),
    )
    if door is not None:
        approvals.use(session=session, request=request, door=door)
    return request, door
