"""The cabinet simulator against the gateway on both brokers: valid traffic stored once, every
misbehaviour refused and counted by reason while the gateway keeps serving, a flapping connection
losing nothing, commands executed once per command id, and an employee's visit read off the three
indicator layouts over Modbus TCP."""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select

from app.alerts.models import Alert
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceCommand
from app.cabinets.services.commands import issue_command
from app.core.db import session_scope
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope
from hardware.protocol.messages import build, now_ms
from hardware.simulator.cabinet import CabinetIdentity
from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.mischief import EXPECTED_REFUSAL, TWIN_KINDS, Mischief
from tests.hardware.harness import (
    UNIT_G,
    broker_and_gateway,
    powered,
    provisioned,
    simulated,
    stored,
    until,
)

ALARM_KINDS = ("tamper", "door_left_open", "scale_fault")


def _alarm(cabinet, n: int) -> None:
    cabinet.record("alarm", {"kind": ALARM_KINDS[n % 3], "at": cabinet.now_ms()})


@pytest.mark.parametrize("broker", ["mosquitto", "embedded"])
async def test_misbehaviour_is_refused_by_reason_and_valid_traffic_kept(broker, tmp_path) -> None:
    identity, cabinet_id = provisioned()
    mischief = Mischief(frozenset({*TWIN_KINDS, "out_of_order"}), rate=0.25, rng=random.Random(11))
    async with broker_and_gateway(broker, identity.tenant, tmp_path) as (address, gateway):
        cabinet = simulated(identity, address, tmp_path, mischief=mischief, heartbeat_s=1.0)
        async with powered(cabinet):
            for n in range(60):
                _alarm(cabinet, n)
            await until(lambda: cabinet.outbox.depth() == 0 and cabinet.stats.published == 60)
            expected = Counter(
                {EXPECTED_REFUSAL[k]: n for k, n in mischief.sent.items() if k in EXPECTED_REFUSAL}
            )
            await until(lambda: gateway.stats.rejections == expected, 10)
            await until(lambda: gateway.stats.duplicates == mischief.sent["duplicate"], 10)
            # still serving after all that: a late genuine message goes through
            _alarm(cabinet, 60)
            await until(lambda: sum(r.type == "alarm" for r in stored(None, cabinet_id)) == 61)
    rows = stored(None, cabinet_id)
    alarms = [r for r in rows if r.type == "alarm"]
    assert len({r.message_id for r in alarms}) == 61
    assert sorted(r.seq for r in alarms) == list(range(61))
    assert {"boot", "heartbeat"} <= {r.type for r in rows}
    assert all(k in mischief.sent for k in TWIN_KINDS), mischief.sent  # each kind was exercised
    with session_scope() as session:
        gaps = session.exec(
            select(Alert).where(Alert.cabinet_id == cabinet_id, Alert.kind == "seq_gap")
        ).all()
        cabinet_row = session.get(Cabinet, cabinet_id)
        assert cabinet_row.is_online
    # swapped messages arrive early: one gap alert for the boot, counted per occurrence
    assert mischief.sent["out_of_order"] > 0
    assert len(gaps) == 1 and gaps[0].kind == "seq_gap"
    assert gaps[0].occurrences == mischief.sent["out_of_order"]


async def test_a_flapping_connection_loses_and_duplicates_nothing(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    mischief = Mischief(frozenset({"flapping"}), flap_every_s=0.7, rng=random.Random(3))
    async with broker_and_gateway("mosquitto", identity.tenant, tmp_path) as (address, _gateway):
        cabinet = simulated(identity, address, tmp_path, mischief=mischief)
        async with powered(cabinet):
            for n in range(300):
                _alarm(cabinet, n)
                await asyncio.sleep(0.01)
            await until(lambda: cabinet.outbox.depth() == 0, 30)
            await until(
                lambda: len([r for r in stored(None, cabinet_id) if r.type == "alarm"]) == 300, 15
            )
        assert cabinet.stats.connects >= 3  # it really flapped
    alarms = [r for r in stored(None, cabinet_id) if r.type == "alarm"]
    assert [r.seq for r in alarms] == sorted(r.seq for r in alarms) == list(range(300))


async def test_commands_run_once_per_command_id_and_are_acknowledged(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    async with broker_and_gateway("mosquitto", identity.tenant, tmp_path) as (address, _gateway):
        cabinet = simulated(identity, address, tmp_path)
        async with powered(cabinet):
            await until(cabinet.connected.is_set)
            with session_scope() as session:
                tenant_id = session.get(Cabinet, cabinet_id).tenant_id
                command = issue_command(
                    session=session,
                    scope=TenantScope.single(tenant_id),
                    cabinet_id=cabinet_id,
                    kind="tare",
                    args={"slot": "A2"},
                    actor=Actor(account_id=None, name="test"),
                    ttl=timedelta(minutes=5),
                )
                row_id, command_id = command.id, command.command_id
            await until(lambda: _command_status(row_id) == "succeeded")
            assert abs(cabinet.bank.cells["A2"].sample()[0]) < 3  # tared
            # the cloud resends (the ack may have been lost): same command id, new envelope
            resend = _resend(identity, command_id, {"slot": "A2"}, kind="cmd.tare")
            await cabinet.on_command(*resend)
            assert cabinet.stats.commands_done == 1 and cabinet.stats.commands_duplicate == 1
            # the very same bytes again are a replay the cabinet refuses
            await cabinet.on_command(*resend)
            assert cabinet.stats.refused["replayed_nonce"] == 1
            await until(
                lambda: any(
                    r.type == "cmd.ack" and r.payload["body"]["status"] == "duplicate"
                    for r in stored(None, cabinet_id)
                )
            )


def _resend(identity, command_id: str, args: dict, *, kind: str) -> tuple[str, bytes]:
    body = {"command": command_id, "expires": now_ms() + 60_000} | args
    topic, message = build(
        secret=identity.secret,
        tenant=identity.tenant,
        cabinet=identity.code,
        boot="cloud-test",
        seq=1,
        message_type=kind,
        body=body,
        message_id=command_id,
    )
    return topic, json.dumps(message).encode()


def _command_status(row_id: int) -> str:
    with session_scope() as session:
        return session.get(DeviceCommand, row_id).status


async def test_a_visit_is_read_off_three_indicator_layouts(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    async with broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway):
        cabinet = simulated(identity, address, tmp_path)
        async with powered(cabinet):
            await until(cabinet.connected.is_set)
            unlocking = asyncio.create_task(_unlock_when_card_seen(cabinet_id))
            door = await badge(cabinet, "C0012345", wait_s=15)
            await unlocking
            assert door is not None and door["by"]["method"] == "card"
            body = await open_take_close(cabinet, door, {"A1": 3, "A3": 1}, unit_g=UNIT_G)
            await until(lambda: any(r.type == "door.closed" for r in stored(None, cabinet_id)))
    taken = {r["slot"]: (r["before_mg"] - r["after_mg"]) / 1000 for r in body["readings"]}
    assert all(r["stable"] for r in body["readings"])
    assert taken["A1"] == pytest.approx(3 * UNIT_G["A1"], abs=2.0)
    assert taken["A2"] == pytest.approx(0, abs=2.0)  # word-swapped float32, untouched
    assert taken["A3"] == pytest.approx(UNIT_G["A3"], abs=2.0)  # kilograms + motion bit
    assert len(body["rfid"]) == 5  # one tagged item left the cabinet
    types = [r.type for r in stored(None, cabinet_id) if r.type not in ("boot", "heartbeat")]
    assert types[:1] == ["auth.card"] and types[-2:] == ["door.opened", "door.closed"]
    for reading in body["readings"]:  # protocol v1.1: the series and the baseline's time
        assert len(reading["series_mg"]) == 3 and reading["series_mg"][-1] == reading["after_mg"]
        assert reading["baseline_at"] <= body["at"]
    beats = [r.payload["body"] for r in stored(None, cabinet_id) if r.type == "heartbeat"]
    assert {w["slot"] for w in beats[0]["scales"]} == {"A1", "A2", "A3"}


async def _unlock_when_card_seen(cabinet_id: int) -> None:
    """What the withdrawal engine will do: a known card at the cabinet → an unlock command."""
    await until(lambda: any(r.type == "auth.card" for r in stored(None, cabinet_id)))
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        issue_command(
            session=session,
            scope=TenantScope.single(tenant_id),
            cabinet_id=cabinet_id,
            kind="unlock",
            args={
                "session": f"S{uuid.uuid4().hex[:12]}",
                "by": {"method": "card", "ref": "C0012345"},
                "max_open_s": 60,
            },
            actor=Actor(account_id=None, name="test"),
            ttl=timedelta(minutes=1),
        )


def _online(cabinet_id: int) -> bool:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id).is_online


@pytest.mark.parametrize("broker", ["mosquitto", "embedded"])
async def test_a_pulled_cable_shows_at_once_through_the_last_will(broker, tmp_path) -> None:
    identity, cabinet_id = provisioned()
    async with broker_and_gateway(broker, identity.tenant, tmp_path) as (address, gateway):
        cabinet = simulated(identity, address, tmp_path)
        async with powered(cabinet):
            await until(lambda: _online(cabinet_id))
            cabinet.set_network(False)  # no DISCONNECT: the broker publishes the will
            await until(lambda: not _online(cabinet_id), 10)  # not after 90 s of silence
            cabinet.set_network(True)
            await until(lambda: _online(cabinet_id), 10)
    assert gateway.stats.states["offline"] == 1
    with session_scope() as session:
        (alert,) = session.exec(select(Alert).where(Alert.cabinet_id == cabinet_id)).all()
        assert alert.kind == "cabinet_offline" and alert.status == "resolved"


UNLOCK = {"session": "ds1", "by": {"method": "card", "ref": "C1"}, "max_open_s": 60}


@pytest.mark.parametrize(
    ("fault", "acks", "unlocked"),
    [
        (None, ["received", "done"], True),
        ("never_acks", [], False),
        ("received_only", ["received"], False),
    ],
)
async def test_a_cabinet_that_loses_commands_acks_as_its_fault_says(
    fault, acks, unlocked, tmp_path
) -> None:
    identity = CabinetIdentity("T1", f"CS{uuid.uuid4().hex[:8].upper()}", "cs1", b"s" * 32)
    mischief = Mischief(frozenset({fault} if fault else ()), rate=1.0)
    cabinet = simulated(identity, ("127.0.0.1", 1), tmp_path, mischief=mischief)  # no broker
    await cabinet.on_command(*_resend(identity, "c0ffee01", UNLOCK, kind="cmd.unlock"))
    sent = [e.body["status"] for e in cabinet.outbox.oldest(10) if e.type == "cmd.ack"]
    assert sent == acks
    assert cabinet.unlocked.is_set() is unlocked
    assert mischief.sent == (Counter({fault: 1}) if fault else Counter())


async def test_a_cabinet_that_drops_the_close_reports_the_door_shut_only_by_heartbeat(
    tmp_path,
) -> None:
    identity, cabinet_id = provisioned()
    async with broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gateway):
        mischief = Mischief(frozenset({"drops_close"}), rate=1.0)
        cabinet = simulated(identity, address, tmp_path, mischief=mischief, heartbeat_s=0.5)
        async with powered(cabinet):
            await until(cabinet.connected.is_set)
            door = {"session": "ds1", "by": {"method": "card", "ref": "C1"}}
            body = await open_take_close(cabinet, door, {"A1": 1}, unit_g=UNIT_G)
            closed_at = body["at"]
            await until(
                lambda: any(
                    r.type == "heartbeat" and as_utc(r.device_ts).timestamp() * 1000 > closed_at
                    for r in stored(None, cabinet_id)
                )
            )
    rows = stored(None, cabinet_id)
    assert [r.type for r in rows if r.type.startswith("door.")] == ["door.opened"]
    last_beat = [r for r in rows if r.type == "heartbeat"][-1]
    assert last_beat.payload["body"]["door"] == "closed" and mischief.sent["drops_close"] == 1
