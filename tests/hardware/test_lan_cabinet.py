"""A cabinet with no controller, on a site's LAN (issue 16 item 6): its scale bank, door sensor
and lock answer over Modbus TCP (pymodbus servers: the simulator's scale bank with a door I/O
module on the same line), and the LAN driver speaks the cabinet protocol for it through the
broker and the gateway — on our Mosquitto and on the embedded broker. An admin's console unlock
sets the lock coil; the door opens (the coil is let go), two pens leave the scale, the door
closes, and one withdrawal with that line is committed, as for a cabinet with firmware. An
indicator, then the whole bank, that stops answering is a scale-fault alarm, not a crash; a
visit closed while an indicator is silent is an exception for a person, not a guess."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import select

from app.alerts.models import Alert
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.cabinets.services.lan import LanWiring, lan_cabinets, register_lan_cabinet
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from app.inventory.models import Stock
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.withdrawals.services.opening import unlock_for
from hardware.lan.driver import LanCabinet
from hardware.lan.supervisor import build
from hardware.simulator.door_io import DoorIo
from hardware.simulator.weighing import ScaleBank
from tests.hardware.harness import (
    UNIT_G,
    broker_and_gateway,
    powered,
    provisioned,
    stopped,
    three_layout_cells,
    until,
)
from tests.withdrawals.test_door_sessions import CARD, _cabinet, _door_status, _stocked_cabinet
from tests.withdrawals.test_misbehaving_cabinets import _unlock_status

BROKERS = ["mosquitto", "embedded"]
ADMIN = Actor(account_id=None, name="行政小陈")
WIRING = {"A1": (1, "laumas_tlu"), "A2": (2, "eagle_ei2000"), "A3": (3, "tuna_id551pn")}


@asynccontextmanager
async def lan_cabinet(
    cabinet_id: int, address: tuple, tmp_path: Path, *, door_open: bool = False
) -> AsyncIterator[tuple]:
    """The cabinet's Modbus line (scales on units 1–3, door and lock on unit 9) and its driver
    built as `python -m hardware.lan` builds it, from what was registered."""
    io = DoorIo(unit=9, lock_coil=3, door_input=5, door_open=door_open)
    bank = ScaleBank(three_layout_cells(), io=io)
    await bank.start()
    try:
        with session_scope() as session:
            tenant_id = session.get(Cabinet, cabinet_id).tenant_id
            wiring = LanWiring(
                host="127.0.0.1",
                port=bank.port,
                io_unit=9,
                lock_coil=3,
                door_input=5,
                scales=WIRING,
            )
            register_lan_cabinet(
                session=session,
                scope=TenantScope.single(tenant_id),
                cabinet_id=cabinet_id,
                wiring=wiring,
                actor=ADMIN,
            )
        with session_scope() as session:
            (spec,) = [s for s in lan_cabinets(session=session) if s.cabinet_id == cabinet_id]
        driver = build(spec, broker=address, outbox_dir=tmp_path, poll_s=0.05, heartbeat_s=1)
        driver.scale_every_s = 0.2
        async with powered(driver):
            yield driver, bank, io
    finally:
        await stopped(bank.stop(), "the scale bank")


def _unlock(cabinet_id: int) -> None:
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        unlock_for(
            session=session,
            scope=TenantScope.single(tenant_id),
            cabinet_id=cabinet_id,
            who=CARD,
            actor=ADMIN,
        )


@pytest.mark.parametrize("broker", BROKERS)
async def test_a_console_unlock_opens_the_lan_cabinet_and_its_close_commits_the_withdrawal(
    broker, tmp_path
) -> None:
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    async with (
        broker_and_gateway(broker, identity.tenant, tmp_path) as (address, _gateway),
        lan_cabinet(cabinet_id, address, tmp_path) as (_driver, bank, io),
    ):
        await until(lambda: _cabinet(cabinet_id).is_online)
        assert not io.lock_released
        _unlock(cabinet_id)
        await until(lambda: io.lock_released)  # cmd.unlock → the lock coil
        await until(lambda: _unlock_status(cabinet_id) == "succeeded")  # acked done
        io.door_open = True
        await until(lambda: _door_status(cabinet_id) == "open")
        assert not io.lock_released  # let go once the door opened: it catches when closed
        bank.cells["A1"].change_load(-2 * UNIT_G["A1"])  # two pens
        await asyncio.sleep(0.2)
        io.door_open = False
        await until(lambda: _door_status(cabinet_id) == "committed")
        assert io.coil_writes[:2] == [True, False] and io.released == 1
    with session_scope() as session:
        door = session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)).one()
        assert door.auth_method == "console" and door.rfid_before in (None, [])
        (withdrawal,) = session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id))
        lines = session.exec(
            select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
        ).all()
        assert {line.item_id: line.quantity for line in lines} == {items["A1"]: 2}
        stock = {
            s.item_id: s.quantity
            for s in session.exec(select(Stock).where(Stock.cabinet_id == cabinet_id))
        }
        assert stock == {items["A1"]: 38, items["A2"]: 10, items["A3"]: 6}


def _scale_faults(cabinet_id: int) -> dict[str, int]:
    with session_scope() as session:
        alerts = session.exec(
            select(Alert).where(Alert.cabinet_id == cabinet_id, Alert.kind == "alarm_scale_fault")
        ).all()
        return {alert.params["slot"]: alert.occurrences for alert in alerts}


async def test_a_scale_bank_that_stops_answering_is_a_scale_fault_alarm_not_a_crash(
    tmp_path,
) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with (
        broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway),
        lan_cabinet(cabinet_id, address, tmp_path) as (driver, bank, _io),
    ):
        await until(lambda: _cabinet(cabinet_id).is_online)
        bank.cells["A2"].silent = True  # its gateway answers "the device did not respond"
        await until(lambda: _scale_faults(cabinet_id) == {"A2": 1})
        await asyncio.sleep(1)  # still silent: still one alarm
        assert _scale_faults(cabinet_id) == {"A2": 1}
        await bank.stop()  # the whole line goes away
        await until(lambda: set(_scale_faults(cabinet_id)) == {"A1", "A2", "A3"})
        beat = _cabinet(cabinet_id).last_heartbeat_at
        await until(lambda: _cabinet(cabinet_id).last_heartbeat_at != beat, within_s=5)
        assert isinstance(driver, LanCabinet) and driver._watching is not None
        assert not driver._watching.done()  # the driver runs on, heartbeating
        assert _cabinet(cabinet_id).is_online


async def test_a_visit_weighed_by_a_silent_indicator_is_an_exception_not_a_guess(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with (
        broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway),
        lan_cabinet(cabinet_id, address, tmp_path) as (_driver, bank, io),
    ):
        await until(lambda: _cabinet(cabinet_id).is_online)
        bank.cells["A2"].silent = True
        _unlock(cabinet_id)
        await until(lambda: io.lock_released)
        io.door_open = True
        await until(lambda: _door_status(cabinet_id) == "open")
        bank.cells["A1"].change_load(-2 * UNIT_G["A1"])
        await asyncio.sleep(0.2)
        io.door_open = False
        await until(lambda: _door_status(cabinet_id) == "exception")
    with session_scope() as session:
        door = session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)).one()
        assert door.identification["reason"] == "weight_unstable"
        assert not session.exec(select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id)).all()


def test_the_driver_says_so_when_the_site_has_no_lan_cabinet(capsys) -> None:
    from hardware.lan.__main__ import main

    assert main(["--site", "no such site"]) == 1
    assert "no LAN cabinet" in capsys.readouterr().err


def _alerts(cabinet_id: int) -> dict[str, str]:
    with session_scope() as session:
        alerts = session.exec(select(Alert).where(Alert.cabinet_id == cabinet_id)).all()
        return {alert.kind: alert.severity for alert in alerts}


async def test_a_door_opened_without_an_unlock_is_a_forced_door_alarm(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with (
        broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway),
        lan_cabinet(cabinet_id, address, tmp_path, door_open=True) as (driver, _bank, io),
    ):
        await until(lambda: _cabinet(cabinet_id).is_online)
        await until(lambda: driver.door == "open")  # found open at power-up: no alarm
        io.door_open = False
        await until(lambda: driver.door == "closed")
        assert "alarm_door_forced" not in _alerts(cabinet_id)
        io.door_open = True  # nobody unlocked it
        await until(lambda: _alerts(cabinet_id).get("alarm_door_forced") == "critical")
        assert _door_status(cabinet_id) is None and not io.lock_released


async def test_a_door_sensor_that_stops_answering_is_one_tamper_alarm(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    async with (
        broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway),
        lan_cabinet(cabinet_id, address, tmp_path) as (driver, _bank, io),
    ):
        await until(lambda: _cabinet(cabinet_id).is_online)
        driver.door_silent_ms = 1000
        io.silent = True  # the I/O module on unit 9 stops answering
        await until(lambda: "alarm_tamper" in _alerts(cabinet_id))
        await asyncio.sleep(1.5)  # still silent: still the one alarm
        with session_scope() as session:
            (alert,) = session.exec(
                select(Alert).where(Alert.cabinet_id == cabinet_id, Alert.kind == "alarm_tamper")
            ).all()
            assert alert.occurrences == 1
