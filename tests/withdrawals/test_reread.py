"""A door closed while a scale still settled (protocol v1.1): the cloud asks the cabinet to read
that scale again (`cmd.reread`) and decides on the fresh series (`door.reread`); without an
answer in time, or after another door opened, the session ends as the exception it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.cabinets.models import DeviceCommand, Slot
from app.core.db import session_scope
from app.org.models import User
from app.withdrawals.models import AuthMethod, DoorSession, SessionStatus, Withdrawal
from app.withdrawals.services import closing, sessions
from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.fleet import UNIT_G
from tests.factories import make_door_session
from tests.hardware.harness import (
    embedded_broker,
    powered,
    provisioned,
    running_gateway,
    simulated,
    until,
)
from tests.withdrawals.test_door_sessions import CARD, _cabinet, _door_status, _stocked_cabinet
from tests.withdrawals.test_recognition_scale_model import _cabinet as stocked_scale

T0 = 1_764_201_600_000
BEFORE = 632_000  # tray + 12 pens of 11 g
SLIDING = [606_000, 603_500, 602_000]  # 3 pens gone, the load still creeping (not settled)
SETTLED = [599_100, 598_900, 599_000, 599_000]


def _open_door(session: Session):
    """A1 holding 12 pens of 11 g (test_recognition_scale_model's cabinet), a door open."""
    cabinet, _slot = stocked_scale(session, "default")
    person = User(tenant_id=cabinet.tenant_id, name="王芳")
    session.add(person)
    session.flush()
    door = make_door_session(
        session,
        cabinet,
        person,
        auth_method=AuthMethod.card.value,
        status=SessionStatus.open.value,
        opened_at=datetime.fromtimestamp(T0 / 1000, UTC),
    )
    return cabinet, door, sessions.session_ref(door)


def _closed(ref: str, series: list[int] | None) -> dict:
    reading = {"slot": "A1", "before_mg": BEFORE, "stable": True, "baseline_at": T0}
    if series:
        reading |= {"after_mg": series[-1], "series_mg": series}
    else:  # a v1 cabinet: one reading, its indicator still in motion
        reading |= {"after_mg": 602_000, "stable": False}
    return {"session": ref, "at": T0 + 30_000, "open_ms": 28_000, "readings": [reading]}


def _reread(ref: str, command: str, series: list[int]) -> dict:
    reading = {"slot": "A1", "after_mg": series[-1], "stable": True, "series_mg": series}
    return {"session": ref, "command": command, "at": T0 + 33_000, "readings": [reading]}


def _asked(session: Session, _door: DoorSession) -> DeviceCommand:
    return session.exec(select(DeviceCommand).where(DeviceCommand.kind == "reread")).one()


def test_an_unsettled_scale_is_read_again_and_the_fresh_series_decides(session: Session) -> None:
    cabinet, door, ref = _open_door(session)
    outcome = sessions.on_closed(session=session, cabinet=cabinet, body=_closed(ref, SLIDING))
    assert (outcome.status, outcome.reason) == ("rereading", "weight_unstable")
    assert door.status == SessionStatus.closed.value  # the cabinet is free; the visit waits
    command = _asked(session, door)
    assert command.payload == {"session": ref, "slots": ["A1"]}
    assert door.identification["reread"]["command"] == command.command_id
    stranger = _reread(ref, "0123456789abcdef", SETTLED)  # an answer to another command
    assert sessions.on_reread(session=session, cabinet=cabinet, body=stranger).status == "ignored"
    body = _reread(ref, command.command_id, SETTLED)
    assert sessions.on_reread(session=session, cabinet=cabinet, body=body).status == "committed"
    assert door.status == SessionStatus.committed.value
    (withdrawal,) = session.exec(select(Withdrawal).where(Withdrawal.door_session_id == door.id))
    assert withdrawal.total_qty == 3
    assert door.identification["reread"]["answered_at"] == T0 + 33_000
    slot = session.exec(select(Slot).where(Slot.cabinet_id == cabinet.id)).one()
    assert slot.noise_samples == 4  # the settled re-read taught the scale; the sliding one not
    again = sessions.on_reread(session=session, cabinet=cabinet, body=body)  # a replay
    assert again.status == "ignored"


def test_still_unsettled_after_the_reread_is_an_exception_with_the_reason(session) -> None:
    cabinet, door, ref = _open_door(session)
    sessions.on_closed(session=session, cabinet=cabinet, body=_closed(ref, SLIDING))
    body = _reread(ref, _asked(session, door).command_id, [603_000, 601_000, 599_800, 599_000])
    outcome = sessions.on_reread(session=session, cabinet=cabinet, body=body)
    assert (outcome.status, outcome.reason) == ("exception", "weight_unstable")
    assert session.exec(select(DeviceCommand).where(DeviceCommand.kind == "reread")).all() == [
        _asked(session, door)
    ]  # asked once only


def test_no_answer_in_time_ends_the_session_as_an_exception(session: Session) -> None:
    cabinet, door, ref = _open_door(session)
    sessions.on_closed(session=session, cabinet=cabinet, body=_closed(ref, SLIDING))
    asked = datetime.fromtimestamp(door.identification["reread"]["asked_at"] / 1000, UTC)
    assert closing.give_up_overdue(session=session, now=asked + timedelta(seconds=30)) == 0
    assert closing.give_up_overdue(session=session, now=asked + timedelta(seconds=46)) == 1
    assert door.status == SessionStatus.exception.value
    assert door.identification["reason"] == "weight_unstable"
    assert door.identification["reread"]["unanswered"] == "no_answer"
    late = _reread(ref, _asked(session, door).command_id, SETTLED)
    assert sessions.on_reread(session=session, cabinet=cabinet, body=late).status == "ignored"


def test_an_answer_after_another_door_opened_is_not_used(session: Session) -> None:
    cabinet, door, ref = _open_door(session)
    sessions.on_closed(session=session, cabinet=cabinet, body=_closed(ref, SLIDING))
    session.add(
        DoorSession(
            tenant_id=door.tenant_id,
            cabinet_id=cabinet.id,
            user_id=door.user_id,
            auth_method=AuthMethod.card.value,
            status=SessionStatus.open.value,
            opened_at=datetime.fromtimestamp((T0 + 31_000) / 1000, UTC),
        )
    )
    session.flush()
    body = _reread(ref, _asked(session, door).command_id, SETTLED)
    assert sessions.on_reread(session=session, cabinet=cabinet, body=body).status == "exception"
    assert door.identification["reread"]["unanswered"] == "another_door_opened"


def test_a_v1_cabinet_without_a_series_is_not_asked(session: Session) -> None:
    cabinet, _door, ref = _open_door(session)
    outcome = sessions.on_closed(session=session, cabinet=cabinet, body=_closed(ref, None))
    assert (outcome.status, outcome.reason) == ("exception", "weight_unstable")
    assert session.exec(select(DeviceCommand)).all() == []


def _reread_status() -> str:
    with session_scope() as session:
        command = session.exec(select(DeviceCommand).where(DeviceCommand.kind == "reread")).one()
        return command.status


async def test_a_simulated_cabinet_answers_the_reread_and_the_visit_commits(tmp_path) -> None:
    """End to end: an indicator that flags a still-settling load stable (too wide a motion
    band); the first series slides, the cloud asks, the cabinet reads again once settled."""
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        cabinet.series_spacing_s = 0.5
        cell = cabinet.bank.cells["A1"]
        cell.settle_tau_s, cell.motion_band_g = 0.8, 50.0
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)
            await open_take_close(cabinet, door, {"A1": 3}, unit_g=UNIT_G, hold_s=0.3)
            cell.motion_band_g = 0.8  # the re-read waits for a genuinely stable indicator
            await until(lambda: _door_status(cabinet_id) == "committed", within_s=30)
            # the cabinet's last ack follows the readings that committed the visit
            await until(lambda: _reread_status() == "succeeded", within_s=10)
    with session_scope() as session:
        (row,) = session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id))
        assert row.identification["reread"]["slots"] == ["A1"]
        (withdrawal,) = session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id))
        assert withdrawal.total_qty == 3
    assert items["A1"]
