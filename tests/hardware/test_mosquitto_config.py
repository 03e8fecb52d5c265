"""The Mosquitto we ship (hardware/mosquitto/ + hardware/mosquitto_auth.py) on a real mosquitto:
no anonymous client, per-cabinet passwords, ACLs that keep each cabinet to its own topics, client
ids bound to user names (no one takes over another's session, a gateway's included), and a
rotated or retired cabinet's live connection ended by the reload that follows."""

from __future__ import annotations

import asyncio
import uuid

import aiomqtt
import pytest

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import mqtt_password, provision
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from hardware.broker_access import gateway_client_id
from hardware.mosquitto_auth import unbound_listeners
from hardware.simulator.cabinet import CabinetIdentity
from tests.hardware.harness import provisioned
from tests.hardware.own_broker import GATEWAY_SECRET, own_mosquitto

V311 = aiomqtt.ProtocolVersion.V311
GATEWAY = gateway_client_id("gw-a", GATEWAY_SECRET)  # its user name and client id


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
            _client(port, GATEWAY, GATEWAY_SECRET, GATEWAY) as gateway,
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


def _cabinet(port: int, who: CabinetIdentity, client_id: str) -> aiomqtt.Client:
    return _client(port, who.mqtt_username, mqtt_password(who.secret), client_id)


async def test_no_credentials_take_over_another_clients_session(tmp_path) -> None:
    """The probe: another tenant's cabinet connects under the gateway's client id, then under
    a cabinet's. The broker makes its client id its own user name, so both stay connected."""
    a, _ = provisioned()
    b, _ = provisioned()  # the attacker, of another tenant
    a_topic = f"cc/v1/{a.tenant}/{a.code}"
    with own_mosquitto(tmp_path / "mosquitto") as broker:
        port = broker.port
        async with (
            _client(port, GATEWAY, GATEWAY_SECRET, GATEWAY) as gateway,
            _cabinet(port, a, a.code) as cab_a,
        ):
            await gateway.subscribe("cc/v1/+/+/event", qos=1)
            await cab_a.subscribe(f"{a_topic}/cmd", qos=1)
            for taken in (GATEWAY, a.code, a.mqtt_username):
                async with _cabinet(port, b, taken) as attacker:
                    await attacker.publish(f"cc/v1/{b.tenant}/{b.code}/event", b"b", qos=1)
            await cab_a.publish(f"{a_topic}/event", b"still flowing", qos=1)
            await gateway.publish(f"{a_topic}/cmd", b"still mine", qos=1)
            seen_by_gateway, seen_by_a = await asyncio.gather(_received(gateway), _received(cab_a))
    assert seen_by_gateway.count(f"{a_topic}/event") == 1  # still connected, still subscribed
    assert seen_by_a == [f"{a_topic}/cmd"]


async def _closed_by_broker(client: aiomqtt.Client, within_s: float) -> list[str]:
    """What the connection received until the broker closed it (fails if it stays open)."""
    got: list[str] = []
    with pytest.raises(aiomqtt.MqttError):
        async with asyncio.timeout(within_s):
            async for message in client.messages:
                got.append(message.payload.decode())
    return got


def _rotate(who: CabinetIdentity, cabinet_id: int) -> CabinetIdentity:
    with session_scope() as session:
        made = provision(
            session=session,
            scope=TenantScope.single(session.get(Cabinet, cabinet_id).tenant_id),
            cabinet_id=cabinet_id,
            actor=Actor(account_id=None, name="test"),
        )
    return CabinetIdentity(who.tenant, who.code, who.mqtt_username, bytes.fromhex(made.secret_hex))


def _retire(cabinet_id: int) -> None:
    with session_scope() as session:
        session.get(Cabinet, cabinet_id).status = "retired"


@pytest.mark.parametrize("change", ["rotate", "retire"])
async def test_the_reload_after_a_credentials_change_ends_the_live_connection(
    tmp_path, change: str
) -> None:
    """Rotating or retiring a cabinet, then `mosquitto_auth` + SIGHUP (what
    hardware/mosquitto/README.md says to run after either): Mosquitto re-checks every connected
    client against the new password file and disconnects the old credentials' connection; the new
    credentials work."""
    a, cabinet_id = provisioned()
    bystander, _ = provisioned()
    cmd = f"cc/v1/{a.tenant}/{a.code}/cmd"
    with own_mosquitto(tmp_path / "mosquitto") as broker:
        port = broker.port
        async with (
            _client(port, GATEWAY, GATEWAY_SECRET, GATEWAY) as gateway,
            _cabinet(port, a, a.code) as old,
            _cabinet(port, bystander, bystander.code) as other,
        ):
            await old.subscribe(cmd, qos=1)
            renewed = _rotate(a, cabinet_id) if change == "rotate" else _retire(cabinet_id)
            await asyncio.to_thread(broker.grant)
            await gateway.publish(cmd, b"cmd.lease after the change", qos=1)
            assert await _closed_by_broker(old, within_s=5) == []
            await other.publish(f"cc/v1/{bystander.tenant}/{bystander.code}/event", b"x", qos=1)
        with pytest.raises(aiomqtt.MqttError):
            async with _cabinet(port, a, a.code):
                pass
        if renewed is not None:
            async with _cabinet(port, renewed, renewed.code):
                pass


def test_a_listener_that_does_not_bind_client_ids_is_found() -> None:
    config = """
use_username_as_clientid true   # before any listener: Mosquitto's default listener only
listener 8883
certfile /etc/mosquitto/certs/server.crt
use_username_as_clientid true
listener 1883 10.0.0.5
# use_username_as_clientid true
include_dir /etc/mosquitto/cc/conf.d
"""
    assert unbound_listeners(config) == ["listener 1883 10.0.0.5"]
    assert unbound_listeners("listener 1883\nuse_username_as_clientid true\n") == []
