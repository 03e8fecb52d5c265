"""The embedded amqtt broker: real per-cabinet credentials, topic ACLs, and the gateway on it
(MQTT 3.1.1 persistent session) receiving what cabinets publish, also across its restart."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiomqtt
import pytest
from amqtt.contexts import Action
from sqlmodel import select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services.credentials import provision
from app.core import migrations
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware.broker import (
    GATEWAY_USERNAME,
    embedded_gateway_config,
    start_embedded_broker,
    topic_allowed,
)
from hardware.gateway import Gateway
from hardware.net import free_port
from hardware.protocol.messages import build
from tests.factories import make_cabinet, make_tenant

V311 = aiomqtt.ProtocolVersion.V311
ALARM = {"kind": "tamper", "at": 1_764_201_600_000}


def _cabinet() -> tuple[str, str, str, str, bytes]:
    migrations.upgrade(get_settings().database_url)
    with session_scope() as session:
        tenant = make_tenant(session)
        cabinet = make_cabinet(session, tenant)
        creds = provision(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cabinet.id,
            actor=Actor(account_id=None, name="test"),
        )
        return (
            tenant.code,
            cabinet.code,
            cabinet.mqtt_username,
            creds.mqtt_password,
            bytes.fromhex(creds.secret_hex),
        )


def test_cabinets_reach_only_their_own_topics() -> None:
    assert topic_allowed("CAB-1", "cc/v1/T1/CAB-1/event", Action.PUBLISH)
    assert topic_allowed("CAB-1", "cc/v1/T1/CAB-1/state", Action.PUBLISH)
    assert not topic_allowed("CAB-1", "cc/v1/T1/CAB-2/event", Action.PUBLISH)
    assert not topic_allowed("CAB-1", "cc/v1/T1/CAB-1/cmd", Action.PUBLISH)  # no forged commands
    assert topic_allowed("CAB-1", "cc/v1/T1/CAB-1/cmd", Action.SUBSCRIBE)
    assert not topic_allowed("CAB-1", "cc/v1/+/+/cmd", Action.SUBSCRIBE)
    assert not topic_allowed("CAB-1", "cc/v1/T1/CAB-1/event", Action.SUBSCRIBE)
    assert not topic_allowed(None, "cc/v1/T1/CAB-1/event", Action.PUBLISH)
    assert topic_allowed(GATEWAY_USERNAME, "cc/v1/+/+/event", Action.SUBSCRIBE)


async def test_sign_in_with_real_credentials_only() -> None:
    _tenant, code, username, password, _ = _cabinet()
    port = free_port()
    broker = await start_embedded_broker(port)
    try:
        async with aiomqtt.Client(
            "127.0.0.1", port, username=username, password=password, protocol=V311, identifier=code
        ):
            pass
        for username, secret in ((code, "wrong"), (None, None), ("CAB-NOPE", password)):
            with pytest.raises(aiomqtt.MqttError):
                async with aiomqtt.Client(
                    "127.0.0.1",
                    port,
                    username=username,
                    password=secret,
                    protocol=V311,
                    identifier=f"x{uuid.uuid4().hex[:8]}",
                ):
                    pass
    finally:
        await broker.shutdown()


async def test_the_gateway_receives_cabinet_traffic_across_its_restart() -> None:
    tenant, code, username, password, secret = _cabinet()
    port = free_port()
    broker = await start_embedded_broker(port)
    config = embedded_gateway_config(port, f"gw-{uuid.uuid4().hex[:8]}")

    handed_over: list[int] = []

    def messages(seqs: range) -> list[tuple[str, bytes]]:
        out = []
        for seq in seqs:
            topic, message = build(
                secret=secret,
                tenant=tenant,
                cabinet=code,
                boot="boot0001",
                seq=seq,
                message_type="alarm",
                body=ALARM,
            )
            out.append((topic, json.dumps(message).encode()))
        return out

    async def publish(batch: list[tuple[str, bytes]]) -> None:
        async with aiomqtt.Client(
            "127.0.0.1", port, username=username, password=password, protocol=V311, identifier=code
        ) as cabinet:
            for topic, payload in batch:
                await cabinet.publish(topic, payload, qos=1)

    async def run_gateway(expected: int) -> Gateway:
        async def handle_device_message(ctx: dict, message_row_id: int) -> None:
            handed_over.append(message_row_id)

        jobs = InProcessDispatcher(functions={"handle_device_message": handle_device_message})
        gateway = Gateway(config, dispatcher=jobs)
        stop = asyncio.Event()
        serving = asyncio.create_task(gateway.run(stop))
        await asyncio.wait_for(gateway.connected.wait(), 10)
        return gateway, stop, serving

    try:
        gateway, stop, serving = await run_gateway(0)
        await publish(messages(range(5)))
        async with asyncio.timeout(10):
            while gateway.stats.accepted < 5:  # noqa: ASYNC110 - polling counters
                await asyncio.sleep(0.05)
        stop.set()
        await serving
        await publish(messages(range(5, 10)))  # while the gateway is away
        gateway, stop, serving = await run_gateway(5)
        async with asyncio.timeout(10):
            while gateway.stats.accepted < 5:  # noqa: ASYNC110 - polling counters
                await asyncio.sleep(0.05)
        stop.set()
        await serving
    finally:
        await broker.shutdown()
    with session_scope() as session:
        rows = session.exec(
            select(DeviceMessage.seq)
            .join(Cabinet, Cabinet.id == DeviceMessage.cabinet_id)
            .where(Cabinet.code == code)
        )
        assert sorted(rows) == list(range(10))  # none lost, none twice
    assert len(handed_over) == 10
