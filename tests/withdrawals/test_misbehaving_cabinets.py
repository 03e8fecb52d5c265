"""Door sessions that always end, end to end (issue 16, item 3): the cloud and a simulated
cabinet misbehaving like faulty firmware, over our Mosquitto and over the embedded broker. An
unlock never acknowledged, or acknowledged `received` and never `done`, ends its session
(`unlock_failed`) and the next badge opens the cabinet; a cabinet that drops its `door.closed`
leaves an exception with what is known, and the cabinet free. The clock is moved by calling the
door-session sweep with a later `now`, never by sleeping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.alerts.models import Alert
from app.cabinets.models import Cabinet, DeviceCommand
from app.core.db import session_scope
from app.core.model_base import as_utc
from app.org.models import User
from app.withdrawals.models import DoorSession
from app.withdrawals.services import closing
from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.mischief import Mischief
from tests.hardware.harness import (
    UNIT_G,
    broker_and_gateway,
    powered,
    provisioned,
    simulated,
    until,
)

CARD = "C0077001"
BROKERS = ["mosquitto", "embedded"]


def _with_a_person(cabinet_id: int) -> None:
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        session.add(User(tenant_id=tenant_id, name="王芳", badge_card_no=CARD))


def _doors(cabinet_id: int) -> list[DoorSession]:
    with session_scope() as session:
        query = select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        return list(session.exec(query.order_by(DoorSession.id)))


def _online(cabinet_id: int) -> bool:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id).is_online


def _unlock_status(cabinet_id: int) -> str | None:
    with session_scope() as session:
        query = select(DeviceCommand.status).where(
            DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == "unlock"
        )
        return session.exec(query.order_by(DeviceCommand.id)).first()


def _sweep(at) -> dict[str, int]:
    with session_scope() as session:
        return closing.sweep(session=session, now=as_utc(at))


@pytest.mark.parametrize("broker", BROKERS)
@pytest.mark.parametrize(("fault", "unlock"), [("never_acks", "sent"), ("received_only", "acked")])
async def test_an_unlock_the_cabinet_never_finishes_frees_it_for_the_next_badge(
    broker, fault, unlock, tmp_path
) -> None:
    identity, cabinet_id = provisioned()
    _with_a_person(cabinet_id)
    mischief = Mischief(frozenset({fault}), rate=1.0)
    async with broker_and_gateway(broker, identity.tenant, tmp_path) as (address, _gateway):
        cabinet = simulated(identity, address, tmp_path, mischief=mischief, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _online(cabinet_id))
            assert await badge(cabinet, CARD, wait_s=3) is None  # the door did not open
            await until(lambda: _unlock_status(cabinet_id) == unlock)
            (stuck,) = _doors(cabinet_id)
            assert stuck.status == "unlocking" and mischief.sent[fault] >= 1
            # the sweep covers every tenant of the shared database: at least this one ended
            assert _sweep(stuck.created_at + timedelta(seconds=41))["unlocks"] >= 1
            (ended,) = _doors(cabinet_id)
            assert ended.status == "expired"
            assert ended.identification == {"reason": "unlock_failed", "unlock": unlock}
            cabinet.mischief.kinds = frozenset()  # the firmware is mended; the next badge
            door = await badge(cabinet, CARD, wait_s=15)
            assert door is not None and door["session"] == f"ds{ended.id + 1}"
            await open_take_close(cabinet, door, {}, unit_g=UNIT_G)
            await until(lambda: _doors(cabinet_id)[-1].closed_at is not None)
    first, second = _doors(cabinet_id)
    assert first.status == "expired" and second.opened_at is not None


@pytest.mark.parametrize("broker", BROKERS)
async def test_a_dropped_close_becomes_an_exception_and_frees_the_cabinet(broker, tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _with_a_person(cabinet_id)
    mischief = Mischief(frozenset({"drops_close"}), rate=1.0)
    async with broker_and_gateway(broker, identity.tenant, tmp_path) as (address, _gateway):
        cabinet = simulated(identity, address, tmp_path, mischief=mischief, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _online(cabinet_id))
            door = await badge(cabinet, CARD, wait_s=15)
            assert door is not None
            await open_take_close(cabinet, door, {"A1": 2, "A3": 1}, unit_g=UNIT_G)
            await until(lambda: _door_state(cabinet_id) == "closed")  # its heartbeat says so
            (left,) = _doors(cabinet_id)
            assert left.status == "open" and mischief.sent["drops_close"] == 1
            opened = as_utc(left.opened_at)
            assert _sweep(opened + timedelta(minutes=31))["unclosed"] >= 1  # every tenant's
            (given_up,) = _doors(cabinet_id)
            assert given_up.status == "exception"
            known = given_up.identification["no_close"]
            assert given_up.identification["reason"] == "no_close_event"
            assert (known["person"], known["door"], known["online"]) == ("王芳", "closed", True)
            assert known["opened_at"] == int(opened.timestamp() * 1000)
            assert known["epcs_at_opening"] == 6 and len(given_up.rfid_before) == 6
            assert known["heartbeat_at"] > known["opened_at"]
            nxt = await badge(cabinet, CARD, wait_s=15)  # the cabinet is free
            assert nxt is not None and nxt["session"] == f"ds{given_up.id + 1}"
    with session_scope() as session:
        kinds = [a.kind for a in session.exec(select(Alert).where(Alert.cabinet_id == cabinet_id))]
    assert "door_left_open" not in kinds  # the cabinet said its door was shut


def _door_state(cabinet_id: int) -> str:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id).door_state
