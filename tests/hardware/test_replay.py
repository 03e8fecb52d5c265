"""A cabinet offline for a (simulated) day with 10,000 buffered events reconnects and replays
them: 0 lost, 0 duplicated, order kept — on our own Mosquitto (the repo's production settings)
and on the embedded broker, and again with the gateway process killed (SIGKILL) mid-stream."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from app.alerts.models import Alert
from app.cabinets.models import DeviceMessage
from app.core.config import get_settings
from app.core.db import session_scope
from hardware.broker_access import gateway_client_id
from hardware.gateway import BrokerConfig
from hardware.simulator.cabinet import SimulatedCabinet
from tests.hardware.harness import (
    embedded_broker,
    powered,
    provisioned,
    running_gateway,
    simulated,
    stored,
    until,
)
from tests.hardware.own_broker import GATEWAY_SECRET, own_mosquitto

EVENTS = int(os.environ.get("REPLAY_EVENTS", "10000"))
WITHIN_S = float(os.environ.get("REPLAY_WITHIN_S", "240"))
DAY_MS = 24 * 3600 * 1000
REPO = Path(__file__).resolve().parents[2]
KILLED = gateway_client_id("gw-killed", GATEWAY_SECRET)  # its client id on the broker


def _buffer_a_day(cabinet: SimulatedCabinet) -> None:
    """EVENTS alarms spread over the 24 h the cabinet was cut off (what happened when: `at`)."""
    start = cabinet.now_ms() - DAY_MS
    for n in range(EVENTS):
        cabinet.record("alarm", {"kind": "door_left_open", "at": start + n * DAY_MS // EVENTS})


def _count(engine: Engine, cabinet_id: int) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).where(
            DeviceMessage.cabinet_id == cabinet_id, DeviceMessage.type == "alarm"
        )
        return session.exec(query).one()


def _assert_replayed_whole(engine: Engine, cabinet_id: int) -> None:
    alarms = [r for r in stored(engine, cabinet_id) if r.type == "alarm"]
    assert len(alarms) == EVENTS  # 0 lost
    assert len({r.message_id for r in alarms}) == EVENTS  # 0 duplicated
    assert [r.seq for r in alarms] == list(range(EVENTS))  # committed in the order they happened
    with session_scope(engine) as session:
        assert (
            session.exec(
                select(Alert).where(Alert.cabinet_id == cabinet_id, Alert.kind == "seq_gap")
            ).all()
            == []
        )


async def _replay_through(address, config: BrokerConfig, engine, tmp_path, cabinet_of) -> None:
    identity, cabinet_id = cabinet_of
    cabinet = simulated(identity, address, tmp_path, heartbeat_s=5.0)
    cabinet.set_network(False)
    _buffer_a_day(cabinet)
    assert cabinet.outbox.depth() == EVENTS
    async with running_gateway(config, engine), powered(cabinet):
        cabinet.set_network(True)
        await until(lambda: _count(engine, cabinet_id) >= EVENTS, WITHIN_S)
        await until(lambda: cabinet.outbox.depth() == 0, 10)
        await asyncio.sleep(1)  # anything extra would show up now
    _assert_replayed_whole(engine, cabinet_id)


@pytest.mark.dialects("postgresql")
async def test_a_day_offline_replays_whole_through_mosquitto(engine: Engine, tmp_path) -> None:
    cabinet_of = provisioned(engine)
    with own_mosquitto(tmp_path / "broker", engine) as broker:
        config = broker.gateway_config("gw-a", session_expiry_s=300)
        await _replay_through(broker.address, config, engine, tmp_path, cabinet_of)


async def test_a_day_offline_replays_whole_through_the_embedded_broker(tmp_path) -> None:
    async with embedded_broker() as (port, config):
        await _replay_through(("127.0.0.1", port), config, None, tmp_path, provisioned())


def _gateway_process(database_url: str, mqtt_url: str, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "MQTT_URL": mqtt_url,
        "SECRET_KEY": get_settings().secret_key,
        "GATEWAY_ID": "gw-killed",
        "LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "hardware.runtime"],
        cwd=REPO,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.dialects("postgresql")
async def test_the_replay_survives_a_gateway_killed_mid_stream(
    engine: Engine, empty_database_url: str, tmp_path
) -> None:
    identity, cabinet_id = provisioned(engine)
    with own_mosquitto(tmp_path / "broker", engine) as broker:
        cabinet = simulated(identity, broker.address, tmp_path, heartbeat_s=5.0)
        cabinet.set_network(False)
        _buffer_a_day(cabinet)
        log = tmp_path / "gateway.log"
        gateway = _gateway_process(empty_database_url, broker.url, log)
        try:
            # its session must exist before the cabinet publishes (in production it always does)
            await until(lambda: log.read_text().count(f"gateway {KILLED} subscribed") == 1, 30)
            async with powered(cabinet):
                cabinet.set_network(True)
                await until(lambda: _count(engine, cabinet_id) >= EVENTS // 4, 120)
                gateway.send_signal(signal.SIGKILL)  # no goodbye: mid-batch, acks outstanding
                gateway.wait(10)
                killed_at = _count(engine, cabinet_id)
                assert killed_at < EVENTS, "the stream ended before the kill: nothing was proven"
                gateway = _gateway_process(empty_database_url, broker.url, log)
                await until(lambda: _count(engine, cabinet_id) >= EVENTS, WITHIN_S)
                await until(lambda: cabinet.outbox.depth() == 0, 10)
                await asyncio.sleep(1)
        finally:
            gateway.kill()
            gateway.wait(10)
    _assert_replayed_whole(engine, cabinet_id)
