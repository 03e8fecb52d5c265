"""Door sessions that always end (issue 16, item 3): a door open past the tenant's limit raises
one alert for its cabinet — the cabinet's own `door_left_open` alarm counts on the same one — and
the door closing resolves it; a door that never reports closed becomes an exception for a person
with what is known, the cabinet free, and a close that still comes is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.services.cabinets import apply_device_message
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.org.models import User
from app.withdrawals.models import SessionStatus, Withdrawal
from app.withdrawals.services import closing, review, sessions
from app.withdrawals.services.door_open import door_open_limit, set_door_open_limit
from tests.factories import make_device_message, make_tenant
from tests.withdrawals.test_reread import SETTLED, T0, _closed, _open_door
from tests.withdrawals.test_unlock_expiry import _open as open_for

OPENED = datetime.fromtimestamp(T0 / 1000, UTC)
ADMIN = Actor(account_id=None, name="admin")
_ids = count()


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _from_cabinet(session: Session, cabinet, kind: str, body: dict) -> None:
    """A message the cabinet sent, stored and applied as the gateway's job does."""
    row = make_device_message(
        session,
        cabinet,
        message_id=f"m-{next(_ids)}",
        boot_id="b1",
        seq=next(_ids),
        type=kind,
        device_ts=datetime.fromtimestamp(body["at"] / 1000, UTC),
        payload={"body": body},
    )
    assert apply_device_message(session=session, message_row_id=row.id, now=OPENED)


def _alerts(session: Session, cabinet) -> list[Alert]:
    return list(session.exec(select(Alert).where(Alert.cabinet_id == cabinet.id)))


def _door_opened(session: Session):
    cabinet, door, ref = _open_door(session)
    cabinet.is_online, cabinet.door_state = True, "open"
    return cabinet, door, ref


def test_a_door_open_past_the_limit_raises_one_alert_until_it_closes(session: Session) -> None:
    cabinet, door, ref = _door_opened(session)
    assert closing.sweep(session=session, now=OPENED + timedelta(minutes=5))["left_open"] == 0
    limit = OPENED + timedelta(minutes=5, seconds=1)
    assert closing.sweep(session=session, now=limit)["left_open"] == 1
    assert closing.sweep(session=session, now=OPENED + timedelta(minutes=6))["left_open"] == 0
    alarm_at = _ms(OPENED + timedelta(minutes=7))
    _from_cabinet(session, cabinet, "alarm", {"kind": "door_left_open", "at": alarm_at})
    (alert,) = _alerts(session, cabinet)  # the cabinet's alarm is the same alert, counted
    assert (alert.kind, alert.message_key, alert.occurrences) == (
        "door_left_open",
        "alert.door_left_open",
        2,
    )
    assert alert.params == {
        "cabinet": cabinet.name,
        "code": cabinet.code,
        "session": ref,
        "person": "王芳",
        "minutes": 5,
    }
    closed = _closed(ref, SETTLED) | {"at": _ms(OPENED + timedelta(minutes=8))}
    _from_cabinet(session, cabinet, "door.closed", closed)
    assert alert.status == "resolved" and door.status == SessionStatus.committed.value


def test_the_cabinets_alarm_first_names_the_session_and_the_sweep_adds_none(session) -> None:
    cabinet, door, ref = _door_opened(session)
    alarm_at = _ms(OPENED + timedelta(minutes=2))
    _from_cabinet(session, cabinet, "alarm", {"kind": "door_left_open", "at": alarm_at})
    assert closing.sweep(session=session, now=OPENED + timedelta(minutes=6))["left_open"] == 0
    (alert,) = _alerts(session, cabinet)
    assert (alert.params["session"], alert.params["minutes"], alert.occurrences) == (ref, 2, 1)
    # the door.closed is lost, but the cabinet's heartbeat says the door is shut
    beat = {"uptime_s": 60, "door": "closed", "outbox": 0, "rssi_dbm": -60, "at": alarm_at}
    _from_cabinet(session, cabinet, "heartbeat", beat)
    assert alert.status == "resolved"
    assert closing.sweep(session=session, now=OPENED + timedelta(minutes=9))["left_open"] == 0
    assert len(_alerts(session, cabinet)) == 1 and door.status == SessionStatus.open.value


def test_a_cabinets_alarm_with_no_session_is_one_alert_for_its_door(session: Session) -> None:
    cabinet, door, _ref = _door_opened(session)
    door.status = SessionStatus.committed.value
    for minute in (1, 2):
        at = _ms(OPENED + timedelta(minutes=minute))
        _from_cabinet(session, cabinet, "alarm", {"kind": "door_left_open", "at": at})
    (alert,) = _alerts(session, cabinet)
    assert (alert.message_key, alert.occurrences) == ("alert.alarm_door_left_open", 2)
    assert alert.params == {"cabinet": cabinet.name, "code": cabinet.code}


def test_each_tenant_sets_its_door_open_limit(session: Session) -> None:
    cabinet, _door, _ref = _door_opened(session)
    tenant_id, other = cabinet.tenant_id, make_tenant(session, "另一家")
    scope = TenantScope.single(tenant_id)
    assert door_open_limit(session, tenant_id) == timedelta(minutes=5)  # the default
    set_door_open_limit(session=session, scope=scope, tenant_id=tenant_id, seconds=120, actor=ADMIN)
    assert door_open_limit(session, tenant_id) == timedelta(minutes=2)
    assert door_open_limit(session, other.id) == timedelta(minutes=5)
    assert closing.sweep(session=session, now=OPENED + timedelta(seconds=121))["left_open"] == 1
    (entry,) = session.exec(select(AuditLog).where(AuditLog.action == "tenant.settings")).all()
    assert (entry.before, entry.after) == ({"door_open_limit_s": None}, {"door_open_limit_s": 120})
    for seconds in (59, 1801, True, "300"):
        with pytest.raises(ValidationError):
            set_door_open_limit(
                session=session, scope=scope, tenant_id=tenant_id, seconds=seconds, actor=ADMIN
            )
    with pytest.raises(PermissionDeniedError):
        set_door_open_limit(
            session=session, scope=scope, tenant_id=other.id, seconds=600, actor=ADMIN
        )
    other.settings = {"door_open_limit_s": "forever"}  # stored by hand: not trusted
    assert door_open_limit(session, other.id) == timedelta(minutes=5)


def test_a_door_never_reported_closed_is_an_exception_with_what_is_known(session) -> None:
    cabinet, door, _ref = _door_opened(session)
    door.rfid_before = ["E20000000001", "E20000000002"]
    cabinet.last_heartbeat_at = OPENED + timedelta(minutes=20)
    early = closing.sweep(session=session, now=OPENED + timedelta(minutes=29))
    assert early["unclosed"] == 0 and door.status == SessionStatus.open.value
    ended = OPENED + timedelta(minutes=31)
    assert closing.sweep(session=session, now=ended)["unclosed"] == 1
    assert door.status == SessionStatus.exception.value
    assert door.identification["reason"] == "no_close_event"
    assert door.identification["no_close"] == {
        "person": "王芳",
        "opened_at": T0,
        "ended_at": _ms(ended),
        "epcs_at_opening": 2,
        "door": "open",
        "heartbeat_at": _ms(OPENED + timedelta(minutes=20)),
        "online": True,
    }
    (case,) = review.exception_queue(session=session, scope=TenantScope.single(cabinet.tenant_id))
    assert (case.door_session_id, case.reason, case.person) == (door.id, "no_close_event", "王芳")
    assert review.reason_words("no_close_event", "en").startswith("The cabinet never reported")
    assert _next_person_opens(session, cabinet) is not None  # the cabinet is free


def _next_person_opens(session: Session, cabinet):
    person = User(tenant_id=cabinet.tenant_id, name="李雷")
    session.add(person)
    session.flush()
    return open_for(session, cabinet, person)


def test_a_late_close_with_nobody_else_in_between_is_decided(session: Session) -> None:
    cabinet, door, ref = _door_opened(session)
    closing.sweep(session=session, now=OPENED + timedelta(minutes=31))
    late = _closed(ref, SETTLED) | {"at": _ms(OPENED + timedelta(minutes=40))}
    outcome = sessions.on_closed(session=session, cabinet=cabinet, body=late)
    assert outcome.status == "committed" and door.status == SessionStatus.committed.value
    (withdrawal,) = session.exec(select(Withdrawal)).all()
    assert withdrawal.door_session_id == door.id and withdrawal.total_qty == 3
    assert door.identification["no_close"]["person"] == "王芳"  # kept: how it ended once


def test_a_late_close_after_another_door_opened_stays_for_a_person(session: Session) -> None:
    cabinet, door, ref = _door_opened(session)
    closing.sweep(session=session, now=OPENED + timedelta(minutes=31))
    nxt = _next_person_opens(session, cabinet)
    opened = {"session": sessions.session_ref(nxt), "at": _ms(OPENED + timedelta(minutes=33))}
    sessions.on_opened(session=session, cabinet=cabinet, body=opened | {"by": {"method": "card"}})
    late = _closed(ref, SETTLED) | {"at": _ms(OPENED + timedelta(minutes=40))}
    outcome = sessions.on_closed(session=session, cabinet=cabinet, body=late)
    assert (outcome.status, outcome.reason) == ("exception", "no_close_event")
    assert door.identification["no_close"]["closed_late"] is True
    assert door.readings_after["A1"]["after_mg"] == SETTLED[-1]  # the evidence, for the reviewer
    assert session.exec(select(Withdrawal)).all() == []
    assert nxt.status == SessionStatus.open.value
