"""Protocol v1.1 end to end with the reference cabinet (the simulator) on the embedded broker and
on Mosquitto: the outbox empties on the cloud's answers; a cabinet whose clock runs 400 s slow is
told, re-signs and gets everything through (a v1 cabinet so skewed loses it all, silently); a
message the cloud will never take leaves the outbox as refused and shows on the console."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

import pytest

from app.cabinets.models import Cabinet
from app.cabinets.queries.refusals import refusals_of
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from tests.hardware.harness import (
    embedded_broker,
    powered,
    provisioned,
    running_gateway,
    simulated,
    stored,
    until,
)
from tests.hardware.own_broker import own_mosquitto

SLOW_MS = -400_000
TAMPER = {"kind": "tamper", "detail": "sensor"}


@asynccontextmanager
async def _cloud(kind: str, tmp_path):
    """A broker of the kind asked and a gateway on it: (host, port) for the cabinets."""
    if kind == "embedded":
        async with embedded_broker() as (port, config), running_gateway(config):
            yield ("127.0.0.1", port)
    else:
        with own_mosquitto(tmp_path) as broker:  # the cabinet was provisioned before: granted
            async with running_gateway(broker.gateway_config("gw-a")):
                yield broker.address


def _alarms(cabinet_id: int) -> list[str]:
    return [m.payload["body"].get("detail") for m in stored(None, cabinet_id) if m.type == "alarm"]


@pytest.mark.parametrize("broker", ["embedded", "mosquitto"])
async def test_a_slow_clock_is_corrected_and_nothing_is_lost(broker: str, tmp_path) -> None:
    identity, cabinet_id = provisioned()
    async with _cloud(broker, tmp_path) as address:
        cabinet = simulated(identity, address, tmp_path, clock_skew_ms=SLOW_MS)
        for n in range(5):  # kept while offline, replayed after the boot set the clock
            cabinet.record("alarm", TAMPER | {"at": cabinet.now_ms(), "detail": f"t{n}"})
        async with powered(cabinet):
            await until(lambda: cabinet.outbox.depth() == 0 and cabinet.stats.published == 5)
            cabinet.record("alarm", TAMPER | {"at": cabinet.now_ms(), "detail": "later"})
            await until(lambda: cabinet.outbox.depth() == 0, 10)
        assert abs(cabinet.answers.offset_ms + SLOW_MS) < 5_000  # told how far off it was
    assert sorted(_alarms(cabinet_id)) == ["later", "t0", "t1", "t2", "t3", "t4"]
    with session_scope() as session:
        assert session.get(Cabinet, cabinet_id).protocol == "1.1"
        counted = refusals_of(
            session=session,
            scope=TenantScope.platform(),
            cabinet_id=cabinet_id,
        )
        assert [r.code for r in counted] == ["stale_timestamp"]  # the first boot copy


async def test_a_v1_cabinet_with_a_slow_clock_loses_its_events_silently(tmp_path) -> None:
    """Why v1.1 exists: the broker's PUBACK empties a v1 outbox before the cloud refuses."""
    identity, cabinet_id = provisioned()
    async with embedded_broker() as (port, config), running_gateway(config) as (gateway, _):
        cabinet = simulated(
            identity, ("127.0.0.1", port), tmp_path, clock_skew_ms=SLOW_MS, protocol="1"
        )
        cabinet.record("alarm", TAMPER | {"at": cabinet.now_ms()})
        async with powered(cabinet):
            await until(lambda: cabinet.outbox.depth() == 0)
            await until(lambda: gateway.stats.rejections["stale_timestamp"] >= 2)
    assert _alarms(cabinet_id) == []


async def test_a_message_the_cloud_never_takes_leaves_the_outbox_as_refused(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    async with embedded_broker() as (port, config), running_gateway(config):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path)
        # a firmware bug: a field the schema does not allow; signed, delivered, refused
        cabinet.record("alarm", TAMPER | {"at": cabinet.now_ms(), "colour": "red"})
        cabinet.record("alarm", TAMPER | {"at": cabinet.now_ms()})
        async with powered(cabinet):
            await until(lambda: cabinet.outbox.depth() == 0)
    assert cabinet.answers.refused == {"schema": 1}
    assert len(_alarms(cabinet_id)) == 1
    with session_scope() as session:
        (refusal,) = refusals_of(
            session=session, scope=TenantScope.platform(), cabinet_id=cabinet_id
        )
    assert refusal.code == "schema" and json.loads(refusal.last_payload)["body"]["colour"] == "red"
