"""A cabinet controller's firmware, the part that does not depend on the hardware it drives:
protocol v1.1 over MQTT (docs/protocol.md) with a persistent session and a last will, retained
online state, boot and heartbeat telemetry, an SQLite outbox that buffers every event and ack
while offline and replays it in order with at most 100 in flight, the cloud's answers (msg.ack)
and commands verified, executed once per command id and acknowledged.

Two devices build on it: the simulated cabinet (hardware/simulator/cabinet.py: simulated scales,
tags and door, misbehaviour switches) and the LAN driver (hardware/lan/: real scale banks, a door
sensor and a lock on a site's Modbus TCP network, for cabinets without a controller). Each
supplies the hardware: `read_scales`, `tare`, `idle_scales` for the heartbeat, and how the lock
opens (`open_lock` / `close_lock`, hardware/simulator/commands.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomqtt

from app.cabinets.services.credentials import mqtt_password
from hardware import mqtt_internals
from hardware.protocol.messages import NonceGuard, Topic, build, now_ms
from hardware.scales import Reading
from hardware.simulator.answers import RESIGN, CloudAnswers
from hardware.simulator.commands import CommandHandling
from hardware.simulator.mischief import Mischief
from hardware.simulator.outbox import Entry, Outbox
from hardware.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
IN_FLIGHT = 100
MAX_BACKOFF_S = 30.0
SERIES = 3  # consecutive door-closed readings sent per scale (protocol v1.1)


@dataclass(frozen=True)
class CabinetIdentity:
    tenant: str
    code: str
    mqtt_username: str
    secret: bytes


@dataclass
class CabinetStats:
    connects: int = 0
    published: int = 0  # genuine buffered messages acknowledged by the broker
    commands_done: int = 0
    commands_duplicate: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # commands refused, by reason


class CabinetFirmware(CommandHandling):
    firmware = "fw-1.0"
    hardware = "generic"
    identity: CabinetIdentity
    stats: CabinetStats

    def __init__(
        self,
        identity: CabinetIdentity,
        *,
        broker: tuple[str, int],
        outbox_path: str | Path,
        clock_skew_ms: int = 0,
        heartbeat_s: float = 30.0,
        mischief: Mischief | None = None,
        wall_clock: Callable[[], int] = now_ms,
        protocol: str = "1.1",
    ) -> None:
        self.identity = identity
        self.broker = broker
        self.outbox = Outbox(outbox_path)
        self.door = "closed"
        self.boot = uuid.uuid4().hex[:16]  # a new one at every power-up
        self.heartbeat_s = heartbeat_s
        self.series_spacing_s = 0.0  # between the readings of a door-closed or re-read series
        self.mischief = mischief or Mischief()
        self.stats = CabinetStats()
        self.connected = asyncio.Event()
        self.network_up = asyncio.Event()  # the cable; see set_network
        self._network_down = asyncio.Event()
        self.network_up.set()
        self.unlock = None
        self.unlocked = asyncio.Event()
        self.configured = asyncio.Event()  # a slot layout (cmd.config) was applied
        self.protocol = protocol  # "1.1": waits for the cloud's answers (msg.ack)
        self.answers = CloudAnswers()
        self.screen: list[dict[str, Any]] = []  # the auth.result lines shown, newest last
        self._clock: Callable[[], int] = lambda: (
            wall_clock() + clock_skew_ms + self.answers.offset_ms
        )
        self._guard = NonceGuard()
        self._wake = asyncio.Event()
        self._boot_sent = False
        self._started_ms = self._clock()

    # ---- the hardware, supplied by the device ------------------------------------------------

    async def read_scales(self) -> list[Reading]:
        """One reading of every scale slot (mg None: that scale did not answer)."""
        raise NotImplementedError

    def tare(self, slot: str) -> str | None:
        """Zero one scale; the failure code, or None when done."""
        return "unsupported"

    def idle_scales(self) -> list[dict[str, Any]]:
        """Protocol v1.1 heartbeat statistics of each scale's idle readings (may be empty)."""
        return []

    def rfid(self) -> list[str]:
        return []

    async def power_on(self) -> None:
        """Before connecting: start what the device needs."""

    async def power_off(self) -> None:
        """After the last connection: release it."""

    # ---- the device ----------------------------------------------------------------------

    def now_ms(self) -> int:
        return self._clock()

    def topic(self, channel: str) -> str:
        return str(Topic(self.identity.tenant, self.identity.code, channel))

    def set_network(self, up: bool) -> None:
        """Plug or pull the cable: while down, events pile up in the outbox."""
        (self.network_up.set if up else self.network_up.clear)()
        (self._network_down.clear if up else self._network_down.set)()

    def record(self, message_type: str, body: dict[str, Any]) -> Entry:
        """An event or ack: into the outbox first, published when the network allows."""
        entry = self.outbox.append(self.boot, message_type, body)
        self._wake.set()
        return entry

    async def read_series(self, length: int) -> list[list[Reading]]:
        """`length` consecutive readings of every scale, `series_spacing_s` apart."""
        series = []
        for n in range(length):
            if n and self.series_spacing_s:
                await asyncio.sleep(self.series_spacing_s)
            series.append(await self.read_scales())
        return series

    # ---- the connection ------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Power on and stay connected (reconnecting with backoff) until `stop` is set."""
        await self.power_on()
        backoff = 1.0
        try:
            while not stop.is_set():
                await _first(stop.wait(), self.network_up.wait())
                if stop.is_set():
                    break
                try:
                    await _first(stop.wait(), self._session())
                    backoff = 1.0
                except Exception as lost:  # a cabinet never dies of its network
                    _log_lost(self.identity.code, lost)
                self.connected.clear()
                if "flapping" in self.mischief.kinds:
                    backoff = 0.2
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
        finally:
            self.connected.clear()
            await self.power_off()
            self.outbox.close()

    def _client(self) -> aiomqtt.Client:
        host, port = self.broker
        return aiomqtt.Client(
            host,
            port,
            username=self.identity.mqtt_username,
            password=mqtt_password(self.identity.secret),
            identifier=self.identity.code,
            protocol=aiomqtt.ProtocolVersion.V311,
            clean_session=False,  # commands sent while we are away wait for us
            keepalive=60,
            will=aiomqtt.Will(self.topic("state"), b'{"state":"offline"}', qos=1, retain=True),
            max_inflight_messages=IN_FLIGHT,
        )

    async def _session(self) -> None:
        async with self._client() as client:
            await client.subscribe(self.topic("cmd"), qos=1)
            online = {"state": "online", "boot": self.boot}
            await client.publish(self.topic("state"), json.dumps(online), qos=1, retain=True)
            async with asyncio.TaskGroup() as group:
                group.create_task(self._commands(client))  # also hears the boot's answer
                if not self._boot_sent:
                    await self._send_boot(client)
                    self._boot_sent = True
                self.stats.connects += 1
                self.connected.set()
                group.create_task(self._pump(client))
                group.create_task(self._heartbeats(client))
                group.create_task(self._until_network_drops(client))

    async def _until_network_drops(self, client: aiomqtt.Client) -> None:
        if "flapping" in self.mischief.kinds:
            await asyncio.sleep(self.mischief.rng.uniform(0.5, 1.5) * self.mischief.flap_every_s)
        else:
            await self._network_down.wait()
        # the cable is pulled: no DISCONNECT packet, so the broker publishes our last will
        sock = mqtt_internals.raw_socket(client)
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise aiomqtt.MqttError("network down (simulated)")

    @property
    def v1_1(self) -> bool:
        return self.protocol == "1.1"

    async def _send_boot(self, client: aiomqtt.Client) -> None:
        """v1.1: the boot first, and its answer (which sets our clock) before any replay."""
        if not self.v1_1:
            await self._telemetry(client, "boot", self._boot_body())
            return
        await self.answers.send(
            lambda: self._signed_telemetry("boot", self._boot_body()),
            lambda topic, message: client.publish(topic, json.dumps(message), qos=1),
        )

    async def _telemetry(self, client: aiomqtt.Client, kind: str, body: dict[str, Any]) -> None:
        topic, message = self._signed_telemetry(kind, body)
        await client.publish(topic, json.dumps(message), qos=1)

    def _signed_telemetry(self, kind: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return build(
            secret=self.identity.secret,
            tenant=self.identity.tenant,
            cabinet=self.identity.code,
            boot=self.boot,
            seq=self.outbox.last_seq(self.boot),
            message_type=kind,
            body=body,
            ts=self.now_ms(),
        )

    def _boot_body(self) -> dict[str, Any]:
        depth = self.outbox.depth()
        body = {"fw": self.firmware, "hw": self.hardware, "outbox": depth, "clock_synced": True}
        return body | ({"proto": "1.1"} if self.v1_1 else {})

    async def _heartbeats(self, client: aiomqtt.Client) -> None:
        while True:
            body: dict[str, Any] = {
                "uptime_s": max(0, (self.now_ms() - self._started_ms) // 1000),
                "door": self.door,
                "outbox": self.outbox.depth(),
                "rssi_dbm": -60,
            }
            if self.door == "closed":  # protocol v1.1: each scale's idle statistics
                scales = self.idle_scales()
                if scales:
                    body["scales"] = scales
            await self._telemetry(client, "heartbeat", body)
            await asyncio.sleep(self.heartbeat_s)

    # ---- the outbox, oldest first, at most IN_FLIGHT unacknowledged ----------------------

    async def _pump(self, client: aiomqtt.Client) -> None:
        slots = asyncio.Semaphore(IN_FLIGHT)
        in_flight: set[str] = set()
        async with asyncio.TaskGroup() as group:
            while True:
                self._wake.clear()
                fresh = [e for e in self.outbox.oldest(2 * IN_FLIGHT) if e.id not in in_flight]
                if not fresh:
                    await self._wake.wait()
                    continue
                for i in range(0, len(fresh) - 1, 2):
                    if self.mischief.happens("out_of_order"):
                        fresh[i], fresh[i + 1] = fresh[i + 1], fresh[i]
                for entry in fresh:
                    await slots.acquire()
                    in_flight.add(entry.id)
                    group.create_task(self._deliver(client, entry, slots, in_flight))

    async def _deliver(
        self, client: aiomqtt.Client, entry: Entry, slots: asyncio.Semaphore, in_flight: set[str]
    ) -> None:
        try:
            if self.v1_1:
                await self._deliver_answered(client, entry)
                return
            topic, message = self._signed_entry(entry)
            await client.publish(topic, json.dumps(message), qos=1)
            self.outbox.remove(entry.id)
            self.stats.published += 1
            await self._twins(client, topic, message)
        finally:
            in_flight.discard(entry.id)
            slots.release()

    async def _deliver_answered(self, client: aiomqtt.Client, entry: Entry) -> None:
        """v1.1: out of the outbox only on the cloud's answer; a final refusal is kept aside."""

        async def publish(topic: str, message: dict[str, Any]) -> None:
            await client.publish(topic, json.dumps(message), qos=1)
            await self._twins(client, topic, message)

        answer = await self.answers.send(lambda: self._signed_entry(entry), publish)
        if answer is None or answer.get("code") in RESIGN:  # not heard: tried again later
            await asyncio.sleep(self.answers.wait_s)
            self._wake.set()
            return
        self.outbox.remove(entry.id)
        if answer["result"] != "refused":
            self.stats.published += 1

    def _signed_entry(self, entry: Entry) -> tuple[str, dict[str, Any]]:
        return build(
            secret=self.identity.secret,
            tenant=self.identity.tenant,
            cabinet=self.identity.code,
            boot=entry.boot,
            seq=entry.seq,
            message_type=entry.type,
            body=entry.body,
            message_id=entry.id,
            ts=self.now_ms(),  # a resend keeps id and seq, gets a new ts and nonce
        )

    async def _twins(self, client: aiomqtt.Client, topic: str, message: dict[str, Any]) -> None:
        for twin in self.mischief.twins(topic, message, self.identity.secret):
            await client.publish(topic, twin, qos=1)

    def reboot(self) -> None:
        """Power-cycle: a new boot id (its seq starts at 0); the outbox survives."""
        self.boot = uuid.uuid4().hex[:16]
        self._boot_sent = False
        self._started_ms = self.now_ms()
        self.set_network(False)
        asyncio.get_running_loop().call_later(0.5, self.set_network, True)


def door_closed_readings(
    before: list[Reading], series: list[list[Reading]], baseline_at: int
) -> list[dict[str, Any]]:
    """`door.closed` readings: each scale's baseline and door-closed reading; the series of
    consecutive readings and the baseline's time let the cloud judge settling and drift itself
    (the `stable` flag alone lies)."""
    out = []
    for index, b in enumerate(before):
        runs = [reads[index] for reads in series]
        a = runs[-1]
        reading = {
            "slot": b.slot,
            "before_mg": b.mg or 0,
            "after_mg": a.mg or 0,
            "stable": b.stable and a.stable and a.mg is not None,
            "baseline_at": baseline_at,
        }
        if all(r.mg is not None for r in runs):
            reading["series_mg"] = [r.mg for r in runs]
        out.append(reading)
    return out


def _log_lost(code: str, error: BaseException) -> None:
    leaves = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    if all(isinstance(e, (aiomqtt.MqttError, OSError)) for e in leaves):
        logger.info("%s: connection lost (%s)", code, "; ".join(map(str, leaves)))
    else:
        logger.error("%s: session failed", code, exc_info=error)


async def _first(*awaitables: Awaitable[Any]) -> None:
    """Wait for the first to finish, cancel the others, re-raise its error if it failed."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        await cancel_and_wait(tasks)
        for task in tasks:  # retrieved: no "exception was never retrieved" at collection
            if task.done() and not task.cancelled():
                task.exception()
    for task in done:
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error
