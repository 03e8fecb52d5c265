"""The gateway against the real Mosquitto: valid traffic stored and applied, misbehaviour refused
by reason while it keeps serving, and messages published while it was down delivered after a
restart (persistent session)."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiomqtt
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services.credentials import provision
from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware.gateway import BrokerConfig, Gateway
from hardware.protocol.messages import build
from hardware.runtime import linger_s
from tests.factories import make_cabinet, make_tenant
from tests.hardware.harness import applying_dispatcher, until
from tests.services import MOSQUITTO_TEST_URL, require_mosquitto

ALARM = {"kind": "tamper", "at": 1_764_201_600_000}


def _provisioned(engine: Engine) -> tuple[str, str, bytes, int]:
    with Session(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"TG{uuid.uuid4().hex[:10]}"  # unique on the shared broker
        cabinet = make_cabinet(session, tenant)
        creds = provision(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cabinet.id,
            actor=Actor(account_id=None, name="test"),
        )
        session.commit()
        return tenant.code, cabinet.code, bytes.fromhex(creds.secret_hex), cabinet.id


def _gateway(
    engine: Engine, client_id: str, dispatcher: InProcessDispatcher, tenant: str
) -> Gateway:
    # Only this test's tenant: other runs may use the same machine's Mosquitto at the same time.
    config = BrokerConfig.from_url(
        MOSQUITTO_TEST_URL,
        client_id=client_id,
        share_group=f"g{client_id}",
        session_expiry_s=60,
        tenant=tenant,
    )
    return Gateway(config, unit_of_work=lambda: session_scope(engine), dispatcher=dispatcher)


async def _publish(messages: list[tuple[str, bytes]]) -> None:
    config = BrokerConfig.from_url(MOSQUITTO_TEST_URL)
    async with aiomqtt.Client(config.hostname, config.port, identifier=f"cab-{uuid.uuid4()}") as c:
        for topic, payload in messages:
            await c.publish(topic, payload, qos=1)


def _signed(
    secret: bytes, tenant: str, cabinet: str, seq: int, kind: str, body: dict
) -> tuple[str, bytes]:
    """A cabinet's signed message of boot `boot0001`, as published."""
    topic, message = build(
        secret=secret,
        tenant=tenant,
        cabinet=cabinet,
        boot="boot0001",
        seq=seq,
        message_type=kind,
        body=body,
    )
    return topic, json.dumps(message).encode()


def _rows(engine: Engine, cabinet_id: int) -> list[DeviceMessage]:
    with Session(engine) as session:
        query = select(DeviceMessage).where(DeviceMessage.cabinet_id == cabinet_id)
        return list(session.exec(query))


async def test_valid_traffic_is_stored_and_misbehaviour_refused(engine: Engine) -> None:
    require_mosquitto()
    tenant, code, secret, cabinet_id = _provisioned(engine)
    dispatcher = applying_dispatcher(engine)
    gateway = _gateway(engine, f"t{uuid.uuid4().hex[:10]}", dispatcher, tenant)
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)

    def signed(seq: int, kind: str = "alarm", key: bytes = secret) -> tuple[str, bytes]:
        body = ALARM if kind == "alarm" else {"uptime_s": 3, "door": "open", "outbox": 0}
        return _signed(key, tenant, code, seq, kind, body)

    good = [signed(0), signed(1), signed(2), signed(3, "heartbeat")]
    event_topic = good[0][0]
    first = json.loads(good[0][1])
    resend = build(
        secret=secret,
        tenant=tenant,
        cabinet=code,
        boot="boot0001",
        seq=0,
        message_type="alarm",
        body=ALARM,
        message_id=first["id"],
    )  # a cabinet's resend: same id, new nonce and signature
    bad = [
        signed(4, key=b"forged-key-forged-key-forged-key"),
        (event_topic, b"\x00garbage"),
        good[1],  # the very same bytes again: a replay
    ]
    await _publish(
        [good[0], good[1], *bad, good[2], (resend[0], json.dumps(resend[1]).encode()), good[3]]
    )
    await until(lambda: gateway.stats.accepted == 4 and gateway.stats.duplicates == 1)
    await dispatcher.drain(10)
    assert gateway.stats.rejections == {"bad_signature": 1, "bad_json": 1, "replayed_nonce": 1}
    rows = _rows(engine, cabinet_id)
    assert len(rows) == 4 and {r.status for r in rows} == {"processed"}
    with Session(engine) as session:
        cabinet = session.get(Cabinet, cabinet_id)
        assert cabinet.is_online and cabinet.door_state == "open"
    stop.set()
    await serving


async def test_messages_published_while_the_gateway_is_down_arrive_after_restart(
    engine: Engine,
) -> None:
    require_mosquitto()
    tenant, code, secret, cabinet_id = _provisioned(engine)
    client_id = f"r{uuid.uuid4().hex[:10]}"
    first = _gateway(engine, client_id, applying_dispatcher(engine), tenant)
    stop = asyncio.Event()
    serving = asyncio.create_task(first.run(stop))
    await asyncio.wait_for(first.connected.wait(), 10)
    stop.set()
    await serving  # down: the broker keeps the session and queues for it

    await _publish([_signed(secret, tenant, code, seq, "alarm", ALARM) for seq in range(20)])

    second = _gateway(engine, client_id, applying_dispatcher(engine), tenant)
    stop = asyncio.Event()
    serving = asyncio.create_task(second.run(stop))
    await until(lambda: second.stats.accepted == 20)
    assert sorted(r.seq for r in _rows(engine, cabinet_id)) == list(range(20))
    stop.set()
    await serving


def _alarms(tenant: str, code: str, secret: bytes, seqs: range) -> list[tuple[str, bytes]]:
    messages = []
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
        messages.append((topic, json.dumps(message).encode()))
    return messages


async def test_a_retired_gateway_hands_over_its_share_and_leaves_the_group(
    engine: Engine,
) -> None:
    """Mosquitto keeps giving a gone gateway's persistent session its share of the messages of
    their shared subscription; retiring that gateway stores them and stops it for good."""
    require_mosquitto()
    tenant, code, secret, cabinet_id = _provisioned(engine)
    group = f"g{uuid.uuid4().hex[:10]}"

    def gateway(client_id: str) -> Gateway:
        config = BrokerConfig.from_url(
            MOSQUITTO_TEST_URL, client_id=client_id, share_group=group, tenant=tenant
        )
        return Gateway(
            config,
            unit_of_work=lambda: session_scope(engine),
            dispatcher=applying_dispatcher(engine),
        )

    staying, leaving = gateway(f"{group}-a"), gateway(f"{group}-b")
    stop_staying, stop_leaving = asyncio.Event(), asyncio.Event()
    serving = asyncio.create_task(staying.run(stop_staying))
    gone = asyncio.create_task(leaving.run(stop_leaving))
    await asyncio.wait_for(staying.connected.wait(), 10)
    await asyncio.wait_for(leaving.connected.wait(), 10)
    stop_leaving.set()
    await gone  # away for good, its session still in the group

    await _publish(_alarms(tenant, code, secret, range(20)))
    await asyncio.sleep(1.0)
    held_back = 20 - staying.stats.accepted
    assert held_back > 0, "the broker queued nothing for the gone gateway"

    retiring = gateway(f"{group}-b")
    await retiring.retire(quiet_s=1.0)
    assert retiring.stats.accepted == held_back
    await _publish(_alarms(tenant, code, secret, range(20, 40)))
    await until(lambda: staying.stats.accepted == 40 - held_back)
    assert sorted(r.seq for r in _rows(engine, cabinet_id)) == list(range(40))
    stop_staying.set()
    await serving


@pytest.mark.parametrize("url", ["mqtt://u%40x:p%3Ass@broker:1884", "mqtt://broker"])
def test_broker_urls(url: str) -> None:
    config = BrokerConfig.from_url(url)
    assert config.hostname == "broker"
    if "@" in url:
        assert (config.username, config.password, config.port) == ("u@x", "p:ss", 1884)
    assert config.subscriptions()[0] == "$share/cc-gateway/cc/v1/+/+/event"
    assert BrokerConfig.from_url(url, mqtt5=True).subscriptions()[0].startswith("$share/")
    assert BrokerConfig.from_url(url, share_group=None).subscriptions()[0] == "cc/v1/+/+/event"


async def test_a_command_reaches_the_cabinet_and_its_ack_closes_it(engine: Engine) -> None:
    require_mosquitto()
    from datetime import timedelta

    from app.cabinets.models import DeviceCommand
    from app.cabinets.services.commands import issue_command
    from hardware.protocol.messages import decode, verify

    tenant, code, secret, cabinet_id = _provisioned(engine)
    with Session(engine) as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        command = issue_command(
            session=session,
            scope=TenantScope.single(tenant_id),
            cabinet_id=cabinet_id,
            kind="tare",
            args={"slot": "A1"},
            actor=Actor(account_id=None, name="t"),
            ttl=timedelta(minutes=5),
        )
        command_id, row_id = command.command_id, command.id
        session.commit()

    config = BrokerConfig.from_url(MOSQUITTO_TEST_URL)
    received: list[dict] = []
    async with aiomqtt.Client(
        config.hostname, config.port, identifier=f"cab-{uuid.uuid4()}"
    ) as cab:
        await cab.subscribe(f"cc/v1/{tenant}/{code}/cmd", qos=1)
        dispatcher = applying_dispatcher(engine)
        gateway = _gateway(engine, f"c{uuid.uuid4().hex[:10]}", dispatcher, tenant)
        stop = asyncio.Event()
        serving = asyncio.create_task(gateway.run(stop))
        async with asyncio.timeout(10):
            async for message in cab.messages:
                topic, body = decode(str(message.topic), message.payload)
                verify(secret, topic, body)
                received.append(body)
                break
        assert received[0]["type"] == "cmd.tare" and received[0]["body"]["command"] == command_id
        topic, ack = build(
            secret=secret,
            tenant=tenant,
            cabinet=code,
            boot="boot0001",
            seq=0,
            message_type="cmd.ack",
            body={"command": command_id, "status": "done", "at": 1_764_201_600_000},
        )
        await cab.publish(topic, json.dumps(ack).encode(), qos=1)
        await until(lambda: gateway.stats.accepted == 1)
        await dispatcher.drain(10)
        stop.set()
        await serving
    with Session(engine) as session:
        assert session.get(DeviceCommand, row_id).status == "succeeded"


async def test_a_busy_gateway_gathers_a_burst_into_one_job_and_an_idle_one_waits_for_nothing(
    engine: Engine,
) -> None:
    require_mosquitto()
    tenant, code, secret, _ = _provisioned(engine)
    loop = asyncio.get_running_loop()
    jobs: list[tuple[float, list[int]]] = []

    async def many(ctx: dict, message_row_ids: list[int]) -> int:
        jobs.append((loop.time(), message_row_ids))
        return len(message_row_ids)

    async def one(ctx: dict, message_row_id: int) -> bool:
        jobs.append((loop.time(), [message_row_id]))
        return True

    dispatcher = InProcessDispatcher(
        functions={"handle_device_messages": many, "handle_device_message": one}
    )
    gateway = _gateway(engine, f"l{uuid.uuid4().hex[:10]}", dispatcher, tenant)
    gateway.linger_s = 1.5
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)

    def heartbeat(seq: int) -> tuple[str, bytes]:
        body = {"uptime_s": seq, "door": "closed", "outbox": 0}
        return _signed(secret, tenant, code, seq, "heartbeat", body)

    sent = loop.time()
    await _publish([heartbeat(0)])
    await until(lambda: len(jobs) == 1)
    assert jobs[0][0] - sent < 1.2  # idle: handed over at once, not after the linger
    # within the linger; fewer than the 20 QoS 1 messages a default Mosquitto has in flight
    await _publish([heartbeat(seq) for seq in range(1, 16)])
    await until(lambda: gateway.stats.accepted == 16)
    await dispatcher.drain(10)
    stop.set()
    await serving
    assert [len(ids) for _, ids in jobs] == [1, 15]
    assert jobs[1][0] - jobs[0][0] >= 1.4


@pytest.mark.parametrize(("value", "seconds"), [(None, 0.1), ("", 0.1), ("0", 0.0), ("250", 0.25)])
def test_the_linger_is_set_in_milliseconds(
    monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float
) -> None:
    if value is None:
        monkeypatch.delenv("GATEWAY_LINGER_MS", raising=False)
    else:
        monkeypatch.setenv("GATEWAY_LINGER_MS", value)
    assert linger_s() == seconds


@pytest.mark.parametrize("value", ["fast", "-5", "20000"])
def test_a_linger_that_is_not_a_number_of_milliseconds_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("GATEWAY_LINGER_MS", value)
    with pytest.raises(SystemExit, match="GATEWAY_LINGER_MS"):
        linger_s()
