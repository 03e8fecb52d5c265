"""The device gateway on real services: a Mosquitto started with the repo's production settings
(hardware/mosquitto/: per-cabinet credentials and ACLs, queue limits) and PostgreSQL. Each
simulated cabinet publishes on its own connection with its own credentials.

Metrics:
- gateway_events_per_s: signed cabinet events verified and stored (committed), sustained over
  GATEWAY_SECONDS (60 s) with publishers keeping a bounded number of messages in flight.
- gateway_p50_ms / gateway_p99_ms: from a message's signing (just before publish) to the commit
  of its row, for the messages of that window.
- After the window the gateway must have stored every message published (none lost, refused or
  duplicated), or the benchmark fails.
- With ANSWERS (BENCH_ANSWERS, on unless "0") the cabinets speak protocol v1.1: each is
  answered msg.ack per message on its command topic, which it subscribes to, as a firmware does;
  the gateway must have answered every message. gateway_answers_heard_share: the share of those
  answers the publishers had received when they stopped.
- mosquitto_raw_per_s: the same publishers through the same broker to a plain subscriber that
  does nothing, in the same run (the ceiling the broker and client library allow here).
- mosquitto_raw_answered_per_s (with ANSWERS): the same, the subscriber sending each message's
  cabinet a canned answer of a msg.ack's size, which the publishers hear: the ceiling of this
  harness — load generator, broker and answers on one machine — with answers on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import aiomqtt
from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.services.credentials import mqtt_password, provision
from app.core import migrations
from app.core.db import make_engine, session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware.broker_access import gateway_client_id
from hardware.gateway import Gateway
from hardware.ingest import Ingested
from hardware.protocol.messages import build, now_ms
from tests.conftest import _create_pg_database, _drop_pg_database
from tests.factories import make_cabinet, make_tenant
from tests.hardware.own_broker import GATEWAY_SECRET, OwnMosquitto, own_mosquitto

RAW_SUBSCRIBER = gateway_client_id("gw-raw", GATEWAY_SECRET)
GATEWAY_SECONDS = int(os.environ.get("BENCH_GATEWAY_SECONDS", "60"))
RAW_SECONDS = 10
CABINETS = 20
PUBLISHERS = 4
IN_FLIGHT = 50  # per publisher: a cabinet fleet does not flood; neither do we
ALARM = {"kind": "tamper", "at": 1_764_201_600_000}
ANSWERS = os.environ.get("BENCH_ANSWERS", "1") != "0"


class TimedGateway(Gateway):
    """The real gateway, noting when each message's row was committed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.latencies_ms: list[float] = []

    async def handle_batch(self, messages: list[tuple[str, bytes]]) -> list[Ingested]:
        results = await super().handle_batch(messages)
        committed = now_ms()
        for (_, payload), result in zip(messages, results, strict=True):
            if result.status == "accepted":
                self.latencies_ms.append(committed - json.loads(payload)["ts"])
        return results


def _fleet(url: str) -> tuple[str, list[tuple[str, str, bytes]]]:
    """(code, MQTT username, secret) of CABINETS provisioned cabinets of a new tenant."""
    engine = make_engine(url)
    with Session(engine) as session:
        tenant = make_tenant(session)
        tenant.code = f"TB{uuid.uuid4().hex[:8]}"
        fleet = []
        for _ in range(CABINETS):
            cabinet = make_cabinet(session, tenant)
            cabinet.protocol = "1.1" if ANSWERS else "1"  # as its boot would have said
            creds = provision(
                session=session,
                scope=TenantScope.single(tenant.id),
                cabinet_id=cabinet.id,
                actor=Actor(account_id=None, name="bench"),
            )
            fleet.append((cabinet.code, cabinet.mqtt_username, bytes.fromhex(creds.secret_hex)))
        code = tenant.code
        session.commit()
    engine.dispose()
    return code, fleet


async def _publish_for(
    seconds: float, tenant: str, fleet, port: int, publisher: int
) -> tuple[int, int]:
    """Round-robin over this publisher's cabinets, each on its own connection, with at most
    IN_FLIGHT unacknowledged messages in all; (sent, answers heard)."""
    sent = heard = 0
    deadline = time.monotonic() + seconds
    slots = asyncio.Semaphore(IN_FLIGHT)
    boot = f"bench{uuid.uuid4().hex[:6]}{publisher}"
    seqs = [0] * len(fleet)  # each cabinet numbers its own messages
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                aiomqtt.Client(
                    "127.0.0.1",
                    port,
                    username=username,
                    password=mqtt_password(secret),
                    identifier=code,
                    protocol=aiomqtt.ProtocolVersion.V311,
                    max_inflight_messages=IN_FLIGHT,
                )
            )
            for code, username, secret in fleet
        ]
        pending: set[asyncio.Task] = set()

        async def hear(client: aiomqtt.Client) -> None:
            nonlocal heard
            async for _ in client.messages:
                heard += 1

        listening = []
        if ANSWERS:
            for client, (code, _, _) in zip(clients, fleet, strict=True):
                await client.subscribe(f"cc/v1/{tenant}/{code}/cmd", qos=1)
                listening.append(asyncio.create_task(hear(client)))
        while time.monotonic() < deadline:
            index = sent % len(fleet)
            code, _, secret = fleet[index]
            topic, message = build(
                secret=secret,
                tenant=tenant,
                cabinet=code,
                boot=boot,
                seq=seqs[index],
                message_type="alarm",
                body=ALARM,
            )
            seqs[index] += 1
            await slots.acquire()
            publish = clients[index].publish(topic, json.dumps(message), qos=1)
            task = asyncio.create_task(publish)
            task.add_done_callback(lambda _t: slots.release())
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        await asyncio.gather(*pending, return_exceptions=True)
        await asyncio.sleep(1.0 if ANSWERS else 0)  # the answers still on their way
        for task in listening:
            task.cancel()
    return sent, heard


def _publishers_process(seconds: float, tenant: str, fleet, port: int, counts) -> None:
    # Each cabinet is driven by one publisher, as it has one controller with one boot id: a
    # cabinet code shared by several boots would make every message a sequence gap.
    async def all_publishers() -> list[tuple[int, int]]:
        return await asyncio.gather(
            *(
                _publish_for(seconds, tenant, fleet[n::PUBLISHERS], port, n)
                for n in range(PUBLISHERS)
            )
        )

    results = asyncio.run(all_publishers())
    counts.put((sum(s for s, _ in results), sum(h for _, h in results)))


async def _publish_elsewhere(seconds: float, tenant: str, fleet, port: int) -> tuple[int, int]:
    """The cabinets publish from another process, as they would from another machine."""
    context = multiprocessing.get_context("fork")
    counts = context.Queue()
    process = context.Process(
        target=_publishers_process, args=(seconds, tenant, fleet, port, counts)
    )
    process.start()
    await asyncio.to_thread(process.join)  # the gateway keeps running on this loop meanwhile
    return counts.get(timeout=5)


async def _raw_rate(tenant: str, fleet, broker: OwnMosquitto, *, answering: bool = False) -> float:
    """The same publishers to a subscriber (the gateway's credentials) that does nothing — or,
    `answering`, that sends each message's cabinet a canned answer of a msg.ack's size at once,
    as the gateway does once it has stored it: the ceiling of this harness with answers on."""
    received = 0
    canned = json.dumps({"type": "msg.ack", "pad": "x" * 300}).encode()
    async with aiomqtt.Client(
        "127.0.0.1",
        broker.port,
        username=RAW_SUBSCRIBER,
        password=GATEWAY_SECRET,
        identifier=RAW_SUBSCRIBER,  # the broker binds client ids to user names
    ) as sub:
        await sub.subscribe(f"cc/v1/{tenant}/+/event", qos=1)

        async def count() -> None:
            nonlocal received
            async for message in sub.messages:
                received += 1
                if answering:
                    cabinet = str(message.topic).split("/")[3]
                    sub._client.publish(f"cc/v1/{tenant}/{cabinet}/cmd", canned, qos=0)

        counting = asyncio.create_task(count())
        started = time.monotonic()
        await _publish_elsewhere(RAW_SECONDS, tenant, fleet, broker.port)
        elapsed = time.monotonic() - started
        await asyncio.sleep(1)
        counting.cancel()
    return round(received / elapsed, 1)


async def _gateway_rate(
    url: str, tenant: str, fleet, broker: OwnMosquitto
) -> tuple[float, list[float], float]:
    engine = make_engine(url)
    # what `make gateway` runs: MQTT 3.1.1 on the shared subscription (hardware/runtime.py)
    config = broker.gateway_config("gw-a")

    async def nothing(ctx, message_row_ids):  # the hand-over happens; the job body is not measured
        return None

    gateway = TimedGateway(
        config,
        unit_of_work=lambda: session_scope(engine),
        dispatcher=InProcessDispatcher(
            functions={"handle_device_message": nothing, "handle_device_messages": nothing}
        ),
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(gateway.run(stop))
    await asyncio.wait_for(gateway.connected.wait(), 10)
    started = time.monotonic()
    sent, heard = await _publish_elsewhere(GATEWAY_SECONDS, tenant, fleet, broker.port)
    elapsed = time.monotonic() - started
    accepted_in_window = gateway.stats.accepted
    latencies = list(gateway.latencies_ms)
    async with asyncio.timeout(120):  # then everything published must have been stored
        while gateway.stats.accepted < sent:  # noqa: ASYNC110 - polling a counter
            await asyncio.sleep(0.2)
    stop.set()
    await serving
    engine.dispose()
    lost = sent - gateway.stats.accepted
    if lost or gateway.stats.rejections or gateway.stats.duplicates:
        raise AssertionError(f"lost {lost}, {gateway.stats}")
    if ANSWERS and gateway.stats.answers_sent != sent:
        raise AssertionError(f"answered {gateway.stats.answers_sent} of {sent}")
    heard_share = round(heard / sent, 4) if ANSWERS else 0.0
    return round(accepted_in_window / elapsed, 1), latencies, heard_share


def run() -> dict[str, float]:
    name, url = _create_pg_database()
    try:
        migrations.upgrade(url)
        tenant, fleet = _fleet(url)
        engine = make_engine(url)
        with (
            tempfile.TemporaryDirectory() as directory,
            own_mosquitto(Path(directory), engine) as broker,
        ):
            raw = asyncio.run(_raw_rate(tenant, fleet, broker))
            answered = (
                asyncio.run(_raw_rate(tenant, fleet, broker, answering=True)) if ANSWERS else 0
            )
            rate, latencies, heard = asyncio.run(_gateway_rate(url, tenant, fleet, broker))
        engine.dispose()
        cuts = statistics.quantiles(latencies, n=100)
        return {
            "gateway_events_per_s": rate,
            "gateway_p50_ms": round(cuts[49], 1),
            "gateway_p99_ms": round(cuts[98], 1),
            "mosquitto_raw_per_s": raw,
        } | (
            {"gateway_answers_heard_share": heard, "mosquitto_raw_answered_per_s": answered}
            if ANSWERS
            else {}
        )
    finally:
        _drop_pg_database(name)
