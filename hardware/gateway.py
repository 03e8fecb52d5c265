"""The device gateway: subscribes to every cabinet's up topics and runs each message through
`hardware.ingest` in its own unit of work, then hands accepted messages to the job dispatcher.

- QoS 1 and a persistent session (fixed client id, clean session off), so messages published
  while the gateway is down are delivered when it comes back.
- MQTT 3.1.1 by default: paho parses MQTT 5 properties on every received message (≈ 50 µs, the
  largest single cost of the receive path when measured); Mosquitto and EMQX accept shared
  subscriptions from 3.1.1 clients, and the session then lives as long as the broker's
  `persistent_client_expiration` says. MQTT 5 (session expiry, receive maximum) on request.
- Shared subscription (`$share/<group>/...`) so several gateway processes split the load;
  plain subscriptions when there is no group (the embedded amqtt).
- Acknowledges each message to the broker only after its unit of work has committed, so a
  gateway killed mid-stream loses nothing: the broker redelivers, the store ignores duplicates.
- Reconnects with exponential backoff (1 s doubling to 30 s); a bad message never stops it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote, urlparse

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlmodel import Session

from app.cabinets.services.commands import Outgoing, prepare_sends
from app.cabinets.services.presence import apply_state
from app.core.db import session_scope, transient
from app.core.jobs import JobDispatcher, get_dispatcher
from app.metrics import observe
from hardware import mqtt_internals
from hardware.broker_access import GATEWAY_USERNAME, gateway_client_id
from hardware.ingest import UNSTORABLE, Ingested, cabinet_of, ingest_batch, refuse_unstorable
from hardware.protocol.messages import NonceGuard, now_ms

logger = logging.getLogger(__name__)
UP_CHANNELS = ("event", "telemetry", "ack")
STATE_CHANNEL = "state"  # online / last will, unsigned (docs/protocol.md § 1)
SESSION_EXPIRY_S = 7 * 24 * 3600
MAX_BACKOFF_S = 30.0
COMMAND_TICK_S = 1.0
BATCH_MAX = 200
RECEIVE_MAXIMUM = 1000  # unacknowledged messages the broker may send us (MQTT 5)
STORE_ATTEMPTS = 6
RETIRE_QUIET_S = 3.0
# Under load a batch waits until this long after the last one began, so that what arrives
# meanwhile shares its unit of work and its job (a job's fixed cost is about two door closes');
# an idle gateway takes a message at once. GATEWAY_LINGER_MS sets it (0: never waits).
LINGER_S = 0.1


@dataclass(frozen=True)
class BrokerConfig:
    hostname: str
    port: int = 1883
    username: str | None = None
    password: str | None = None
    mqtt5: bool = False  # 3.1.1 unless asked (see the module's docstring)
    client_id: str = "cc-gateway-1"
    share_group: str | None = "cc-gateway"  # None: plain subscriptions
    session_expiry_s: int = SESSION_EXPIRY_S  # how long the broker keeps our queue while away
    tenant: str = "+"  # one tenant's cabinets only (a dedicated gateway), or all of them

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> BrokerConfig:
        parsed = urlparse(url)
        if parsed.scheme not in ("mqtt", "mqtts") or not parsed.hostname:
            raise ValueError(f"not an mqtt:// URL: {url}")
        return cls(
            hostname=parsed.hostname,
            port=parsed.port or 1883,
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            **overrides,
        )

    @classmethod
    def for_gateway(cls, url: str, gateway_id: str, **overrides: Any) -> BrokerConfig:
        """The gateway process `gateway_id` (its GATEWAY_ID) on the broker at `url`: its client
        id derived from the gateway secret (the URL's password), and, for the user
        GATEWAY_USERNAME, its user name too: the broker binds client ids to user names
        (hardware/mosquitto/README.md). On a broker without passwords the id is used as is."""
        config = cls.from_url(url, **overrides)
        if not config.password:
            return replace(config, client_id=gateway_id)
        client_id = gateway_client_id(gateway_id, config.password)
        username = client_id if config.username == GATEWAY_USERNAME else config.username
        return replace(config, client_id=client_id, username=username)

    def subscriptions(self) -> list[str]:
        channels = (*UP_CHANNELS, STATE_CHANNEL)
        topics = [f"cc/v1/{self.tenant}/+/{channel}" for channel in channels]
        if self.share_group:  # Mosquitto and EMQX accept $share from 3.1.1 clients too
            return [f"$share/{self.share_group}/{topic}" for topic in topics]
        return topics


@dataclass
class GatewayStats:
    accepted: int = 0
    duplicates: int = 0
    rejections: Counter[str] = field(default_factory=Counter)
    connects: int = 0
    commands_sent: int = 0
    answers_sent: int = 0  # v1.1 msg.ack
    states: Counter[str] = field(default_factory=Counter)  # online / offline / ignored ...


def _bytes(message: aiomqtt.Message) -> bytes:
    return message.payload if isinstance(message.payload, bytes) else b""


class Gateway:
    def __init__(
        self,
        config: BrokerConfig,
        *,
        unit_of_work: Callable[[], AbstractContextManager[Session]] = session_scope,
        dispatcher: JobDispatcher | None = None,
        clock: Callable[[], int] = now_ms,
        linger_s: float = LINGER_S,
    ) -> None:
        self.config = config
        self.linger_s = linger_s
        self._batch_began = float("-inf")
        self.stats = GatewayStats()
        self.connected = asyncio.Event()
        self._unit_of_work = unit_of_work
        self._dispatcher = dispatcher
        self._clock = clock
        self._guard = NonceGuard()

    def _client(self) -> aiomqtt.Client:
        client = self._new_client()
        # paho acknowledges a QoS 1 message as soon as aiomqtt queues it, before it is stored: a
        # gateway killed then would lose it. We acknowledge after the commit instead (the store is
        # idempotent, so a redelivery after a crash changes nothing).
        mqtt_internals.acknowledge_manually(client)
        return client

    def _new_client(self, *, clean: bool = False) -> aiomqtt.Client:
        c = self.config
        if c.mqtt5:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]  # paho
            properties.SessionExpiryInterval = 0 if clean else c.session_expiry_s
            properties.ReceiveMaximum = RECEIVE_MAXIMUM
            return aiomqtt.Client(
                c.hostname,
                c.port,
                username=c.username,
                password=c.password,
                identifier=c.client_id,
                protocol=aiomqtt.ProtocolVersion.V5,
                clean_start=clean,
                properties=properties,
            )
        return aiomqtt.Client(
            c.hostname,
            c.port,
            username=c.username,
            password=c.password,
            identifier=c.client_id,
            protocol=aiomqtt.ProtocolVersion.V311,
            clean_session=clean,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set, reconnecting after any connection failure."""
        backoff = 1.0
        while not stop.is_set():
            serving = asyncio.create_task(self._serve())
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for task in (serving, stopping):
                if task not in done:
                    task.cancel()
            await asyncio.gather(serving, stopping, return_exceptions=True)
            self.connected.clear()
            if stop.is_set():
                return
            error = serving.exception() if serving.done() and not serving.cancelled() else None
            logger.warning("gateway disconnected (%s); reconnecting in %.0f s", error, backoff)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)

    async def _serve(self) -> None:
        async with self._client() as client:
            for topic in self.config.subscriptions():
                await client.subscribe(topic, qos=1)
            self.stats.connects += 1
            self.connected.set()
            logger.info("gateway %s subscribed", self.config.client_id)
            sending = asyncio.create_task(self._send_commands(client))
            try:
                async for first in client.messages:
                    await self._take(client, first)
            finally:
                sending.cancel()
                await asyncio.gather(sending, return_exceptions=True)

    async def _take(self, client: aiomqtt.Client, first: aiomqtt.Message) -> None:
        """`first` and whatever else has already arrived, in one unit of work, acknowledged to
        the broker (in the order received, as MQTT requires) once stored."""
        await self._linger()
        # aiomqtt's incoming queue: taking what has arrived straight from it saves the task and
        # wait that each step of `client.messages` costs
        arrived = mqtt_internals.incoming(client)
        batch = [first]
        while len(batch) < BATCH_MAX and not arrived.empty():
            batch.append(arrived.get_nowait())
        states = [m for m in batch if str(m.topic).endswith(f"/{STATE_CHANNEL}")]
        signed = [m for m in batch if m not in states]
        results = await self.handle_batch([(str(m.topic), _bytes(m)) for m in signed])
        if any(r.code == "internal" for r in results):
            # not stored: reconnect without acknowledging, so the broker redelivers
            raise aiomqtt.MqttError("storing failed; reconnecting for redelivery")
        if states:
            await asyncio.to_thread(self._apply_states, states)
        self._answer(client, results)
        for message in batch:
            if message.qos > 0:
                mqtt_internals.ack(client, message)

    async def _linger(self) -> None:
        loop = asyncio.get_running_loop()
        wait = self._batch_began + self.linger_s - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._batch_began = loop.time()

    def _answer(self, client: aiomqtt.Client, results: list[Ingested]) -> None:
        """The v1.1 answers of a committed batch, at QoS 0 straight to paho (queued, not awaited:
        a lost answer is made good by the cabinet's resend, answered `duplicate`)."""
        for result in results:
            if result.reply is not None:
                topic, payload = result.reply
                mqtt_internals.publish_queued(client, topic, payload)
                self.stats.answers_sent += 1

    async def retire(self, quiet_s: float = RETIRE_QUIET_S) -> None:
        """Leave the shared subscription for good (a gateway scaled away, or a GATEWAY_ID that
        will not come back). The broker keeps handing a persistent session its share of the
        cabinets' messages while it is away, so: resume this id's session, store what was
        queued for it and what still arrives until `quiet_s` passes without a message,
        unsubscribe, store what was already on its way, then end the session."""
        async with self._client() as client:
            self.stats.connects += 1
            await self._drain(client, quiet_s)
            for topic in self.config.subscriptions():
                await client.unsubscribe(topic)
            await self._drain(client, quiet_s)
        async with self._new_client(clean=True):
            pass  # a clean session replaces the old one and ends with this connection
        logger.info("gateway %s retired: its session is gone", self.config.client_id)

    async def _drain(self, client: aiomqtt.Client, quiet_s: float) -> None:
        while True:
            try:  # cancelling Queue.get leaves the message queued: none is lost at the timeout
                first = await asyncio.wait_for(mqtt_internals.incoming(client).get(), quiet_s)
            except TimeoutError:
                return
            await self._take(client, first)

    def _apply_states(self, messages: list[aiomqtt.Message]) -> None:
        """Last wills and `online` announcements; a bad one is ignored, never fatal."""
        for message in messages:
            parts = str(message.topic).split("/")
            try:
                with self._unit_of_work() as session:
                    outcome = apply_state(
                        session=session,
                        tenant_code=parts[2],
                        cabinet_code=parts[3],
                        payload=_bytes(message),
                        retained=bool(message.retain),
                    )
            except Exception:
                logger.exception("could not apply the state of %s", parts[3][:32])
                continue
            self.stats.states[outcome] += 1

    async def _send_commands(self, client: aiomqtt.Client) -> None:
        """Publish due commands (first sends and resends) once a second."""
        while True:
            try:
                outgoing = await asyncio.to_thread(self._due_commands)
                for item in outgoing:
                    await client.publish(item.topic, json.dumps(item.message).encode(), qos=1)
                    self.stats.commands_sent += 1
            except aiomqtt.MqttError:
                raise
            except Exception:  # the database: log and try again next second
                logger.exception("could not prepare commands")
            await asyncio.sleep(COMMAND_TICK_S)

    def _due_commands(self) -> list[Outgoing]:
        with self._unit_of_work() as session:
            return prepare_sends(session=session)

    async def handle(self, topic: str, payload: bytes) -> Ingested:
        """One message; never raises on what a cabinet sends."""
        return (await self.handle_batch([(topic, payload)]))[0]

    async def handle_batch(self, messages: list[tuple[str, bytes]]) -> list[Ingested]:
        """Messages that arrived together, stored in one unit of work (each stands alone: a
        refused or duplicate one changes nothing, see ingest_batch). A batch the database
        refuses outright holds a message it will always refuse: the messages are then stored
        one by one, and only that one is refused (`unstorable`)."""
        try:
            results = await self._store(messages)
        except Exception:
            logger.exception("a batch of %s messages was refused; one by one", len(messages))
            results = [await self._store_alone(topic, payload) for topic, payload in messages]
        await self._count(results)
        return results

    async def _count(self, results: list[Ingested]) -> None:
        accepted = [r for r in results if r.status == "accepted"]
        self.stats.accepted += len(accepted)
        self.stats.duplicates += sum(1 for r in results if r.status == "duplicate")
        for_jobs = [r for r in accepted if not r.applied]  # plain heartbeats are applied
        if not for_jobs:
            return
        try:
            await self._hand_over(for_jobs)
        except Exception:  # stored already: left `accepted` for a sweep to pick up later
            ids = [r.message_row_id for r in for_jobs]
            logger.exception("could not hand messages %s to the jobs", ids)

    async def _store(self, messages: list[tuple[str, bytes]]) -> list[Ingested]:
        """Only a transient failure (the database unreachable, the connection lost) is tried
        again, while the broker queues the rest; after STORE_ATTEMPTS the messages come back
        `internal` and `_take` reconnects without acknowledging them, so the broker delivers
        them again. Any other failure is the same every time: it is raised at once."""
        delay = 0.5
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                return await asyncio.to_thread(self._ingest_all, messages)
            except Exception as failed:
                if not transient(failed):
                    raise
                logger.warning("store attempt %s of %s: %s", attempt, STORE_ATTEMPTS, failed)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)
        self.stats.rejections["internal"] += len(messages)
        observe.count_refused("internal", len(messages))
        return [Ingested("rejected", "internal") for _ in messages]

    async def _store_alone(self, topic: str, payload: bytes) -> Ingested:
        try:
            return (await self._store([(topic, payload)]))[0]
        except Exception as refused:  # counted and logged; acknowledged, so never redelivered
            self.stats.rejections[UNSTORABLE] += 1
            observe.count_refused(UNSTORABLE)
            detail = f"{type(refused).__name__}: {refused}"[:200]
            logger.error("refused %s from %s: %s", UNSTORABLE, cabinet_of(topic), detail)
            try:
                return await asyncio.to_thread(self._refuse_unstorable, topic, payload, detail)
            except Exception:
                logger.exception(
                    "could not count the refusal of a message of %s", cabinet_of(topic)
                )
                return Ingested("rejected", UNSTORABLE)

    def _refuse_unstorable(self, topic: str, payload: bytes, detail: str) -> Ingested:
        with self._unit_of_work() as session:
            return refuse_unstorable(
                session=session, topic=topic, payload=payload, detail=detail, now_ms=self._clock()
            )

    def _ingest_all(self, messages: list[tuple[str, bytes]]) -> list[Ingested]:
        """One unit of work; if it fails nothing of it counts: the refusals are not counted
        and the nonces taken are given back, so that trying the batch again gives the same."""
        rejections: Counter[str] = Counter()
        admitted: list[dict[str, Any]] = []
        try:
            with self._unit_of_work() as session:
                results = ingest_batch(
                    session=session,
                    messages=messages,
                    guard=self._guard,
                    now_ms=self._clock(),
                    rejections=rejections,
                    admitted=admitted,
                )
        except BaseException:
            for message in admitted:
                self._guard.forget(message)
            raise
        self.stats.rejections.update(rejections)
        return results

    async def _hand_over(self, accepted: list[Ingested]) -> None:
        """One job for the batch's accepted messages (applied in arrival order)."""
        ids = [r.message_row_id for r in accepted]
        dispatcher = self._dispatcher or get_dispatcher()
        if len(ids) > 1:
            try:
                await dispatcher.enqueue(
                    "handle_device_messages", ids, job_id=f"dms-{ids[0]}-{ids[-1]}"
                )
                return
            except KeyError:  # an in-process dispatcher given only the per-message job
                pass
        for row_id in ids:
            await dispatcher.enqueue("handle_device_message", row_id, job_id=f"dm-{row_id}")
