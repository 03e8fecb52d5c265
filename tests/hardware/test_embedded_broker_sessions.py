"""The embedded broker's sessions under attack: a client id belongs to one principal (a cabinet's
code, or a gateway's id derived from the gateway secret), so no credentials of anyone else (nor
wrong ones) take over or wipe a session; rotated or decommissioned credentials lose their live
connection at once; a refused subscription delivers nothing, retained messages included; an MQTT 5
client is refused at once with CONNACK 0x01 (unacceptable protocol version) and takes nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiomqtt
import pytest

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import mqtt_password, provision
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from hardware import broker as broker_module
from hardware import broker_access
from hardware.broker import (
    GATEWAY_USERNAME,
    gateway_client_id,
    gateway_password,
    start_embedded_broker,
)
from hardware.net import free_port
from hardware.protocol.messages import build
from hardware.simulator.cabinet import CabinetIdentity
from tests.hardware.harness import embedded_broker, provisioned, running_gateway, until

V311 = aiomqtt.ProtocolVersion.V311
ALARM = {"kind": "tamper", "at": 1_764_201_600_000}


def _client(
    port: int,
    who: CabinetIdentity | None,
    client_id: str,
    *,
    password: str | None = None,
    clean: bool = False,
) -> aiomqtt.Client:
    return aiomqtt.Client(
        "127.0.0.1",
        port,
        username=who.mqtt_username if who else GATEWAY_USERNAME,
        password=password or (mqtt_password(who.secret) if who else gateway_password()),
        identifier=client_id,
        protocol=V311,
        clean_session=clean,
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


def _topic(who: CabinetIdentity, channel: str) -> str:
    return f"cc/v1/{who.tenant}/{who.code}/{channel}"


def _alarm(who: CabinetIdentity, seq: int) -> tuple[str, bytes]:
    topic, message = build(
        secret=who.secret,
        tenant=who.tenant,
        cabinet=who.code,
        boot="boot0001",
        seq=seq,
        message_type="alarm",
        body=ALARM,
    )
    return topic, json.dumps(message).encode()


async def _refused(port: int, who: CabinetIdentity | None, client_id: str, **kw) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with _client(port, who, client_id, **kw):
            pass


@pytest.mark.parametrize("clean", [False, True])
async def test_no_cabinet_takes_the_gateways_client_id(clean: bool) -> None:
    a, _ = provisioned()
    b, _ = provisioned()  # another tenant's cabinet: the attacker
    async with embedded_broker() as (port, config), running_gateway(config) as (gateway, _):
        await _refused(port, b, config.client_id, clean=clean)
        async with _client(port, a, a.code) as cabinet:
            await cabinet.publish(*_alarm(a, 0), qos=1)
        await until(lambda: gateway.stats.accepted == 1, within_s=5)
        assert gateway.stats.connects == 1  # its session was never taken


@asynccontextmanager
async def _listening(a: CabinetIdentity) -> AsyncIterator[tuple[int, aiomqtt.Client]]:
    """The embedded broker with cabinet A on its command topic; then a command reaches it."""
    async with (
        embedded_broker() as (port, _config),
        _client(port, a, a.code) as cabinet,
        _client(port, None, gateway_client_id("test-gw", gateway_password())) as gateway,
    ):
        await cabinet.subscribe(_topic(a, "cmd"), qos=1)
        yield port, cabinet
        await gateway.publish(_topic(a, "cmd"), b"still served", qos=1)
        assert await _received(cabinet) == [_topic(a, "cmd")]


@pytest.mark.parametrize("clean", [False, True])
async def test_no_one_else_takes_or_wipes_a_cabinets_session(clean: bool) -> None:
    a, _ = provisioned()
    b, _ = provisioned()
    async with _listening(a) as (port, _victim):
        await _refused(port, b, a.code, clean=clean)  # B's own credentials
        await _refused(port, a, a.code, password="wrong", clean=clean)


async def test_an_mqtt_5_client_is_refused_at_once_and_the_broker_serves_on() -> None:
    """amqtt read an MQTT 5 CONNECT as 3.1.1 and waited for ever: the client timed out."""
    a, _ = provisioned()
    b, _ = provisioned()
    async with _listening(a) as (port, _cabinet):  # its 3.1.1 session stays served
        started = time.monotonic()
        with pytest.raises(aiomqtt.MqttCodeError, match="Unsupported protocol version"):
            async with aiomqtt.Client(
                "127.0.0.1",
                port,
                username=a.mqtt_username,
                password=mqtt_password(a.secret),
                identifier=a.code,  # its own code and credentials: refused all the same
                protocol=aiomqtt.ProtocolVersion.V5,
                timeout=5,
            ):
                pass
        assert time.monotonic() - started < 2
        async with _client(port, b, b.code):
            pass  # and 3.1.1 clients still come in


async def test_a_client_id_must_be_the_cabinets_own_code_and_a_will_its_own_topic() -> None:
    a, _ = provisioned()
    b, _ = provisioned()
    async with embedded_broker() as (port, _config):
        for client_id in ("", "anything", "cc-gw-" + "0" * 32):
            await _refused(port, a, client_id, clean=True)
        posing = aiomqtt.Will(_topic(b, "state"), b'{"state":"offline"}', qos=1, retain=True)
        with pytest.raises(aiomqtt.MqttError):
            async with aiomqtt.Client(
                "127.0.0.1",
                port,
                username=a.mqtt_username,
                password=mqtt_password(a.secret),
                identifier=a.code,
                protocol=V311,
                will=posing,
            ):
                pass
        async with _client(port, a, a.code):
            pass  # its own code, its own credentials


def _rotate(who: CabinetIdentity, cabinet_id: int) -> CabinetIdentity:
    """New credentials for the cabinet (the console's "new credentials"), committed."""
    with session_scope() as session:
        made = provision(
            session=session,
            scope=TenantScope.single(session.get(Cabinet, cabinet_id).tenant_id),
            cabinet_id=cabinet_id,
            actor=Actor(account_id=None, name="test"),
        )
    return CabinetIdentity(who.tenant, who.code, who.mqtt_username, bytes.fromhex(made.secret_hex))


def _retire(cabinet_id: int) -> None:
    """Decommissioned: its credentials stop working."""
    with session_scope() as session:
        session.get(Cabinet, cabinet_id).status = "retired"


async def _closed_by_broker(client: aiomqtt.Client, within_s: float) -> list[str]:
    """What the connection received until the broker closed it (fails if it stays open)."""
    got: list[str] = []
    with pytest.raises(aiomqtt.MqttError):
        async with asyncio.timeout(within_s):
            async for message in client.messages:
                got.append(message.payload.decode())
    return got


@pytest.mark.parametrize("change", ["rotate", "retire"])
async def test_changed_credentials_lose_their_live_connection_and_commands(change: str) -> None:
    a, cabinet_id = provisioned()
    async with embedded_broker() as (port, _config):
        gateway = _client(port, None, gateway_client_id("test-gw", gateway_password()))
        async with gateway, _client(port, a, a.code) as old:
            await old.subscribe(_topic(a, "cmd"), qos=1)
            await gateway.publish(_topic(a, "cmd"), b"before", qos=1)
            assert await _received(old, 0.5) == [_topic(a, "cmd")]
            renewed = _rotate(a, cabinet_id) if change == "rotate" else _retire(cabinet_id)
            # commands from now on (a new lease: badge numbers and PIN hashes) reach nobody
            # holding the old credentials, and the old connection is closed within seconds
            await gateway.publish(_topic(a, "cmd"), b"cmd.lease after", qos=1)
            assert await _closed_by_broker(old, within_s=5) == []
        await _refused(port, a, a.code)
        if renewed is not None:
            async with _client(port, renewed, a.code):
                pass


async def test_refused_subscriptions_deliver_nothing_retained_included() -> None:
    a, _ = provisioned()
    b, _ = provisioned()  # the prober, of another tenant
    async with embedded_broker() as (port, config), running_gateway(config):
        async with _client(port, a, a.code) as cab_a:
            await cab_a.publish(_topic(a, "state"), b'{"state":"online"}', qos=1, retain=True)
            await asyncio.sleep(0.3)
        gateway_id = gateway_client_id("test-gw", gateway_password())
        async with _client(port, None, gateway_id) as gateway:
            await gateway.publish(_topic(b, "cmd"), b"retained for B", qos=1, retain=True)
        async with _client(port, b, b.code, clean=True) as prober:
            wildcards = ("$SYS/#", f"cc/v1/{a.tenant}/+/state", "cc/v1/+/+/state", "#")
            for probe in (*wildcards, *(_topic(a, c) for c in ("state", "cmd", "event"))):
                await prober.subscribe(probe, qos=1)
            assert await _received(prober) == []
            await prober.subscribe(_topic(b, "cmd"), qos=1)  # its own: retained still works
            assert await _received(prober) == [_topic(b, "cmd")]


async def test_a_cabinet_back_with_new_credentials_during_a_recheck_keeps_its_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The credentials re-check runs in a thread; a cabinet that reconnects with its new
    credentials while the old ones are judged stale must keep its new session."""
    a, cabinet_id = provisioned()
    port = free_port()
    broker = await start_embedded_broker(port)
    reconnected = threading.Event()

    def slow_check(held):
        stale = broker_access.stale_sessions(held)
        assert reconnected.wait(10), "the cabinet did not reconnect"
        return stale

    monkeypatch.setattr(broker_module, "stale_sessions", slow_check)
    try:
        old = _client(port, a, a.code)
        await old.__aenter__()
        renewed = _rotate(a, cabinet_id)
        recheck = asyncio.create_task(broker.recheck_sessions())
        await asyncio.sleep(0.2)  # the check has read the old credentials
        async with _client(port, renewed, a.code) as new:
            await new.subscribe(_topic(a, "cmd"), qos=1)
            reconnected.set()
            assert await recheck == []
            gateway = _client(port, None, gateway_client_id("test-gw", gateway_password()))
            async with gateway:
                await gateway.publish(_topic(a, "cmd"), b"still reached", qos=1)
            assert await _received(new, 1.0) == [_topic(a, "cmd")]
        with contextlib.suppress(aiomqtt.MqttError):
            await old.__aexit__(None, None, None)
    finally:
        await broker.shutdown()


async def test_a_cabinet_reconnecting_over_its_half_open_connection_gets_its_commands() -> None:
    """The field's common case: the old connection is still open on the broker's side when the
    cabinet connects again (same id, persistent session). The new connection takes the session
    over and receives the commands; the old one's last will is not published."""
    a, _ = provisioned()
    async with embedded_broker() as (port, _config):
        old = _client(port, a, a.code)
        await old.__aenter__()
        await old.subscribe(_topic(a, "cmd"), qos=1)
        gateway = _client(port, None, gateway_client_id("test-gw", gateway_password()))
        async with gateway:
            await gateway.subscribe(_topic(a, "state"), qos=1)
            async with _client(port, a, a.code) as new:
                await gateway.publish(_topic(a, "cmd"), b"after the take-over", qos=1)
                assert await _received(new, 1.0) == [_topic(a, "cmd")]
            assert await _received(gateway, 0.5) == []  # no last will from the old connection
        with contextlib.suppress(aiomqtt.MqttError):
            await old.__aexit__(None, None, None)
