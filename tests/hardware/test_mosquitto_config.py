"""The Mosquitto we ship (hardware/mosquitto/ + hardware/mosquitto_auth.py) on a real mosquitto:
no anonymous client, per-cabinet passwords, and ACLs that keep each cabinet to its own topics."""

from __future__ import annotations

import asyncio
import uuid

import aiomqtt
import pytest

from app.cabinets.credentials import mqtt_password
from hardware.broker import GATEWAY_USERNAME
from tests.hardware.harness import provisioned
from tests.hardware.own_broker import GATEWAY_SECRET, own_mosquitto

V311 = aiomqtt.ProtocolVersion.V311


def _client(port: int, username: str | None, password: str | None, client_id: str):
    return aiomqtt.Client(
        "127.0.0.1",
        port,
        username=username,
        password=password,
        identifier=client_id,
        protocol=V311,
    )


async def _received(client: aiomqtt.Client, within_s: float = 1.0) -> list[str]:
    got: list[str] = []
    try:
        async with asyncio.timeout(within_s):
            async for message in client.messages:
                got.append(str(message.topic))
    except TimeoutError:
        pass
    return got


async def test_credentials_and_topic_acls(tmp_path) -> None:
    a, _ = provisioned()
    b, _ = provisioned()
    with own_mosquitto(tmp_path / "mosquitto") as broker:
        port = broker.port
        for username, password in ((None, None), (a.mqtt_username, "wrong"), ("nobody", "x")):
            with pytest.raises(aiomqtt.MqttError):
                async with _client(port, username, password, f"x{uuid.uuid4().hex[:6]}"):
                    pass
        a_topic = f"cc/v1/{a.tenant}/{a.code}"
        b_topic = f"cc/v1/{b.tenant}/{b.code}"
        async with (
            _client(port, GATEWAY_USERNAME, GATEWAY_SECRET, "gw-acl") as gateway,
            _client(port, a.mqtt_username, mqtt_password(a.secret), a.code) as cab_a,
            _client(port, b.mqtt_username, mqtt_password(b.secret), b.code) as cab_b,
        ):
            await gateway.subscribe("cc/v1/+/+/event", qos=1)
            await cab_a.subscribe(f"{b_topic}/cmd", qos=1)  # someone else's commands
            await cab_b.subscribe(f"{b_topic}/cmd", qos=1)
            await cab_a.publish(f"{a_topic}/event", b"mine", qos=1)
            await cab_a.publish(f"{b_topic}/event", b"posing as B", qos=1)
            await cab_a.publish(f"{b_topic}/cmd", b"forged command", qos=1)
            await gateway.publish(f"{b_topic}/cmd", b"real command", qos=1)
            seen_by_gateway, seen_by_a, seen_by_b = await asyncio.gather(
                _received(gateway), _received(cab_a), _received(cab_b)
            )
    assert seen_by_gateway == [f"{a_topic}/event"]
    assert seen_by_a == []
    assert seen_by_b == [f"{b_topic}/cmd"]  # the gateway's, not A's forgery
