"""Poison messages: a validly signed message with numbers out of any honest range (seq = 2^64),
or one the database refuses, is refused on its own and counted; it never stalls the batch it
came in, never makes the gateway retry or reconnect, and the other cabinets' traffic flows."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import aiomqtt
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services.credentials import provision
from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware import ingest
from hardware.gateway import BrokerConfig, Gateway
from hardware.protocol.canonical import sign
from hardware.protocol.messages import ProtocolError, Topic, build
from tests.factories import make_cabinet, make_tenant
from tests.hardware.harness import until
from tests.services import MOSQUITTO_TEST_URL, require_mosquitto

ALARM = {"kind": "tamper", "at": 1_764_201_600_000}
POISON_SEQ = 2**64


def _cabinets(engine: Engine, count: int) -> tuple[str, list[tuple[str, bytes, int]]]:
    """A tenant (code unique on a shared broker) and `count` provisioned cabinets of it."""
    with Session(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"TP{uuid.uuid4().hex[:10]}"
        cabinets = []
        for _ in range(count):
            cabinet = make_cabinet(session, tenant)
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="test"),
            )
            cabinets.append((cabinet.code, bytes.fromhex(creds.secret_hex), cabinet.id))
        session.commit()
        return tenant.code, cabinets


def _alarm(tenant: str, code: str, secret: bytes, seq: int) -> tuple[str, bytes]:
    """Signed by the cabinet's own key, whatever `seq` is (what a cabinet can send)."""
    topic, message = build(
        secret=secret,
        tenant=tenant,
        cabinet=code,
        boot="boot0001",
        seq=0,
        message_type="alarm",
        body=ALARM,
    )
    message["seq"] = seq
    message["sig"] = sign(secret, topic, message)
    return topic, json.dumps(message).encode()


def _stored(engine: Engine, cabinet_id: int) -> int:
    with Session(engine) as session:
        query = select(func.count()).where(DeviceMessage.cabinet_id == cabinet_id)
        return session.exec(query).one()


def _gateway(engine: Engine, config: BrokerConfig) -> Gateway:
    async def handled(ctx, *args) -> None:
        pass

    jobs = {"handle_device_message": handled, "handle_device_messages": handled}
    return Gateway(
        config,
        unit_of_work=lambda: session_scope(engine),
        dispatcher=InProcessDispatcher(functions=jobs),
    )


def _lenient_decode(topic_text: str, payload: bytes) -> tuple[Topic, dict]:
    """decode without the schema: what reaches the database when a check is missing."""
    topic = Topic.parse(topic_text)
    try:
        return topic, json.loads(payload)
    except ValueError:
        raise ProtocolError("bad_json") from None


async def test_a_message_the_database_refuses_is_refused_alone_and_never_retried(
    engine: Engine, monkeypatch
) -> None:
    """Were a value out of the database's range to pass the checks, the batch it came in is
    stored without it, at once: a permanent error is not retried as if the database were down."""
    tenant, [(code, secret, cabinet_id)] = _cabinets(engine, 1)
    monkeypatch.setattr(ingest, "decode", _lenient_decode)
    gateway = _gateway(engine, BrokerConfig(hostname="unused"))
    batch = [_alarm(tenant, code, secret, seq) for seq in (0, 1)]
    batch.insert(1, _alarm(tenant, code, secret, POISON_SEQ))
    started = time.monotonic()
    results = await gateway.handle_batch(batch)
    assert time.monotonic() - started < 0.5  # the first retry would wait 0.5 s
    assert [(r.status, r.code) for r in results] == [
        ("accepted", None),
        ("rejected", "unstorable"),
        ("accepted", None),
    ]
    assert gateway.stats.rejections == {"unstorable": 1}
    assert _stored(engine, cabinet_id) == 2


async def test_the_largest_sequence_number_is_stored_and_followed(engine: Engine) -> None:
    tenant, [(code, secret, cabinet_id)] = _cabinets(engine, 1)
    gateway = _gateway(engine, BrokerConfig(hostname="unused"))
    last = 2**53 - 1
    results = await gateway.handle_batch([_alarm(tenant, code, secret, last)])
    assert [(r.status, r.code) for r in results] == [("accepted", None)]
    with Session(engine) as session:
        assert session.get(Cabinet, cabinet_id).last_seq == last
        assert session.exec(select(DeviceMessage.seq)).all() == [last]


async def _publish_paced(address: tuple[str, int], messages: list[tuple[str, bytes]]) -> None:
    """One cabinet's traffic, each message acknowledged by the broker before the next."""
    async with aiomqtt.Client(*address, identifier=f"cab-{uuid.uuid4()}") as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=1)


async def test_a_repeated_poison_message_leaves_other_cabinets_traffic_flowing(
    engine: Engine,
) -> None:
    """The probe: one cabinet sends a signed seq = 2^64 again and again beside the normal traffic
    of three others. Everything of the others is committed within a few seconds, every poison
    copy is refused by the schema, and the gateway never reconnects."""
    require_mosquitto()
    tenant, cabinets = _cabinets(engine, 4)
    (poison_code, poison_secret, poison_id), *others = cabinets
    config = BrokerConfig.from_url(
        MOSQUITTO_TEST_URL,
        client_id=f"p{uuid.uuid4().hex[:10]}",
        share_group=None,
        session_expiry_s=60,
        tenant=tenant,
    )
    gateway = _gateway(engine, config)
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)
    address = (config.hostname, config.port)
    per_cabinet = 200
    poison_sent = 0

    async def poison(until_done: asyncio.Event) -> None:
        nonlocal poison_sent
        async with aiomqtt.Client(*address, identifier=f"cab-{uuid.uuid4()}") as client:
            while not until_done.is_set():
                topic, payload = _alarm(tenant, poison_code, poison_secret, POISON_SEQ)
                await client.publish(topic, payload, qos=1)
                poison_sent += 1
                await asyncio.sleep(0.1)

    def all_committed() -> bool:
        return all(_stored(engine, cabinet_id) == per_cabinet for _, _, cabinet_id in others)

    done = asyncio.Event()
    poisoning = asyncio.create_task(poison(done))
    started = time.monotonic()
    try:
        await asyncio.sleep(0.3)  # the poison is already flowing when the traffic starts
        await asyncio.gather(
            *(
                _publish_paced(
                    address, [_alarm(tenant, code, key, seq) for seq in range(per_cabinet)]
                )
                for code, key, _ in others
            )
        )
        await until(all_committed, within_s=20)
        elapsed = time.monotonic() - started
        await asyncio.sleep(0.5)
    finally:
        done.set()
        await poisoning
    await until(lambda: gateway.stats.rejections["schema"] == poison_sent, within_s=10)
    stop.set()
    await serving
    assert elapsed < 20
    assert poison_sent >= 10
    assert gateway.stats.connects == 1  # never reconnected
    assert gateway.stats.accepted == 3 * per_cabinet
    assert set(gateway.stats.rejections) == {"schema"}
    assert _stored(engine, poison_id) == 0
