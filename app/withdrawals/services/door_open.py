"""A door held open too long. Each tenant sets its limit (policy `door_open_limit_s`: default
5 minutes, 1 to 30; five times that for a provider's restock, which keeps the door open longer).
A door session open past it raises one alert for the cabinet, naming the session, the person and
how long; the door-session sweep raises it (app/withdrawals/services/closing.py) and the cabinet's
own `door_left_open` alarm counts on the same alert, never a second one. It is resolved when the
door closes: a `door.closed`, or a heartbeat saying closed (the close itself may be lost:
closing.end_unclosed). A door the cabinet reports closed is not alerted on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col

from app.alerts.models import Alert
from app.alerts.service import raise_once, resolve, unresolved
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DoorState
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import User
from app.tenants.models import ProviderStaff, Tenant
from app.tenants.services.policies import WholeNumber, set_whole_number, whole_number
from app.withdrawals.models import DoorSession, SessionPurpose, SessionStatus, session_ref

DOOR_OPEN_LIMIT = WholeNumber("door_open_limit_s", 300, 60, 1800)
RESTOCK_TIMES = 5  # a restock's door may stay open this many times longer (and its unlock's)
KIND = "door_left_open"


def door_open_limit(session: Session, tenant_id: int) -> timedelta:
    """How long a door of this tenant may stay open before someone is alerted."""
    return timedelta(seconds=whole_number(session, tenant_id, DOOR_OPEN_LIMIT))


def set_door_open_limit(
    *, session: Session, scope: TenantScope, tenant_id: int, seconds: int, actor: Actor
) -> Tenant:
    """Change a tenant's door-open limit (60–1800 s), audited."""
    return set_whole_number(
        session=session,
        scope=scope,
        tenant_id=tenant_id,
        policy=DOOR_OPEN_LIMIT,
        value=seconds,
        actor=actor,
    )


def root_key(cabinet_id: int) -> str:
    return f"{KIND}:cabinet:{cabinet_id}"


def _limit(session: Session, door: DoorSession) -> timedelta:
    limit = door_open_limit(session, door.tenant_id)
    return limit * RESTOCK_TIMES if door.purpose == SessionPurpose.restock.value else limit


def overdue(
    session: Session, status: SessionStatus, since: Any, cutoff: datetime
) -> list[DoorSession]:
    """Door sessions of every tenant still in `status` whose `since` column is before `cutoff`
    (the oldest 500: a sweep runs every 15 s)."""
    return list(
        session.exec(
            scoped_select(DoorSession, TenantScope.platform())
            .where(DoorSession.status == status.value, since < cutoff)
            .order_by(col(DoorSession.id))
            .limit(500)
        ).all()
    )


def opened_before(session: Session, cutoff: datetime) -> list[DoorSession]:
    """Door sessions whose door opened before `cutoff` and is not reported closed."""
    return overdue(session, SessionStatus.open, DoorSession.opened_at, cutoff)


def alert_doors_left_open(*, session: Session, now: datetime | None = None) -> int:
    """Every door session open past its tenant's limit, on a cabinet that does not report its
    door closed, has its cabinet's one alert (raised here unless already unresolved)."""
    now = now or datetime.now(UTC)
    raised = 0
    for door in opened_before(session, now - timedelta(seconds=DOOR_OPEN_LIMIT.low)):
        cabinet = session.get_one(Cabinet, door.cabinet_id)
        if door.opened_at is None:  # not selected
            continue
        held = now - as_utc(door.opened_at)
        if cabinet.door_state == DoorState.closed.value or held <= _limit(session, door):
            continue
        if unresolved(session=session, tenant_id=door.tenant_id, root_key=root_key(pk(cabinet))):
            continue
        _raise(session, cabinet, "alert.door_left_open", _naming(session, cabinet, door, held), now)
        raised += 1
    return raised


def on_alarm(*, session: Session, cabinet: Cabinet, body: dict[str, Any]) -> Alert:
    """The cabinet's own `door_left_open` alarm: one more occurrence of the same alert."""
    at = datetime.fromtimestamp(body["at"] / 1000, UTC) if body.get("at") else datetime.now(UTC)
    known = unresolved(session=session, tenant_id=cabinet.tenant_id, root_key=root_key(pk(cabinet)))
    door = session.exec(
        scoped_select(DoorSession, TenantScope.single(cabinet.tenant_id)).where(
            DoorSession.cabinet_id == cabinet.id,
            DoorSession.status == SessionStatus.open.value,
            col(DoorSession.opened_at).is_not(None),
        )
    ).first()
    if known is None and door is not None and door.opened_at is not None:  # so selected
        params = _naming(session, cabinet, door, at - as_utc(door.opened_at))
        return _raise(session, cabinet, "alert.door_left_open", params, at)
    named = known.params if known is not None else {"cabinet": cabinet.name, "code": cabinet.code}
    # no session known: the alert names the door alone
    return _raise(session, cabinet, "alert.alarm_door_left_open", dict(named or {}), at)


def door_closed(*, session: Session, cabinet: Cabinet, now: datetime | None = None) -> None:
    """The cabinet's door is closed again: its door-open alert, if any, is resolved."""
    resolve(session=session, tenant_id=cabinet.tenant_id, root_key=root_key(pk(cabinet)), now=now)


def _raise(
    session: Session, cabinet: Cabinet, message_key: str, params: dict[str, Any], now: datetime
) -> Alert:
    return raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind=KIND,
        root_key=root_key(pk(cabinet)),
        message_key=message_key,
        params=params,
        now=now,
    )


def _naming(
    session: Session, cabinet: Cabinet, door: DoorSession, held: timedelta
) -> dict[str, Any]:
    return {
        "cabinet": cabinet.name,
        "code": cabinet.code,
        "session": session_ref(door),
        "person": person_name(session, door),
        "minutes": max(int(held.total_seconds() // 60), 1),
    }


def person_name(session: Session, door: DoorSession) -> str:
    """Who the door session is for: the employee, or the provider's staff member restocking."""
    who = (
        session.get(User, door.user_id)
        if door.user_id
        else session.get(ProviderStaff, door.provider_staff_id)
    )
    return who.name if who is not None else ""
