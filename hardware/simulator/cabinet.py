"""A simulated cabinet controller that speaks protocol v1 like a firmware would (docs/protocol.md):
persistent MQTT session with a last will, retained online state, boot and heartbeat telemetry,
an SQLite outbox that buffers every event and ack while offline and replays it in order with at
most 100 in flight, commands verified, executed once per command id and acknowledged, a scale bank
read over Modbus TCP, an RFID tag set, a door, a clock that may be skewed, and misbehaviour
switches (hardware/simulator/mischief.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiomqtt
from pymodbus.client import AsyncModbusTcpClient

from app.cabinets.credentials import mqtt_password
from hardware.protocol.messages import (
    DOWN_TYPES,
    NonceGuard,
    ProtocolError,
    Topic,
    build,
    decode,
    now_ms,
    verify,
)
from hardware.scales import Reading, poll_bank
from hardware.simulator.mischief import Mischief
from hardware.simulator.outbox import Entry, Outbox
from hardware.simulator.weighing import LoadCell, ScaleBank, idle_window

logger = logging.getLogger(__name__)
IN_FLIGHT = 100
MAX_BACKOFF_S = 30.0
FIRMWARE = "sim-1.0"


@dataclass(frozen=True)
class CabinetIdentity:
    tenant: str
    code: str
    mqtt_username: str
    secret: bytes


@dataclass(frozen=True)
class Unlock:
    session: str
    by: dict[str, str]
    until_ms: int


@dataclass
class CabinetStats:
    connects: int = 0
    published: int = 0  # genuine buffered messages acknowledged by the broker
    commands_done: int = 0
    commands_duplicate: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # commands refused, by reason


REREAD_SERIES = 4  # readings per scale in a door.reread


class SimulatedCabinet:
    def __init__(
        self,
        identity: CabinetIdentity,
        *,
        broker: tuple[str, int],
        outbox_path: str | Path,
        cells: list[LoadCell],
        tags: dict[str, list[str]] | None = None,
        clock_skew_ms: int = 0,
        heartbeat_s: float = 30.0,
        mischief: Mischief | None = None,
        wall_clock: Callable[[], int] = now_ms,
    ) -> None:
        self.identity = identity
        self.broker = broker
        self.outbox = Outbox(outbox_path)
        self.bank = ScaleBank(cells)
        self.tags = {slot: list(epcs) for slot, epcs in (tags or {}).items()}
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
        self.unlock: Unlock | None = None
        self.unlocked = asyncio.Event()
        self.configured = asyncio.Event()  # a slot layout (cmd.config) was applied
        self._clock = lambda: wall_clock() + clock_skew_ms
        self._guard = NonceGuard()
        self._wake = asyncio.Event()
        self._boot_sent = False
        self._started_ms = self._clock()
        self._modbus: AsyncModbusTcpClient | None = None

    # ---- the device ----------------------------------------------------------------------

    def now_ms(self) -> int:
        return self._clock()

    def topic(self, channel: str) -> str:
        return str(Topic(self.identity.tenant, self.identity.code, channel))

    def rfid(self) -> list[str]:
        return sorted(epc for epcs in self.tags.values() for epc in epcs)

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

    async def read_scales(self) -> list[Reading]:
        if self._modbus is None:
            self._modbus = AsyncModbusTcpClient("127.0.0.1", port=self.bank.port)
        if not self._modbus.connected:
            await self._modbus.connect()
        return await poll_bank(self._modbus, self.bank.channels(), attempts=40, interval_s=0.05)

    # ---- the connection ------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Power on and stay connected (reconnecting with backoff) until `stop` is set."""
        await self.bank.start()
        backoff = 1.0
        try:
            while not stop.is_set():
                await _first(stop.wait(), self.network_up.wait())
                if stop.is_set():
                    break
                try:
                    await _first(stop.wait(), self._session())
                    backoff = 1.0
                except Exception as lost:  # a simulated device never dies of its network
                    _log_lost(self.identity.code, lost)
                self.connected.clear()
                if "flapping" in self.mischief.kinds:
                    backoff = 0.2
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
        finally:
            self.connected.clear()
            if self._modbus is not None:
                self._modbus.close()
            await self.bank.stop()
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
            if not self._boot_sent:
                await self._telemetry(client, "boot", self._boot_body())
                self._boot_sent = True
            self.stats.connects += 1
            self.connected.set()
            async with asyncio.TaskGroup() as group:
                group.create_task(self._pump(client))
                group.create_task(self._heartbeats(client))
                group.create_task(self._commands(client))
                group.create_task(self._until_network_drops(client))

    async def _until_network_drops(self, client: aiomqtt.Client) -> None:
        if "flapping" in self.mischief.kinds:
            await asyncio.sleep(self.mischief.rng.uniform(0.5, 1.5) * self.mischief.flap_every_s)
        else:
            await self._network_down.wait()
        # the cable is pulled: no DISCONNECT packet, so the broker publishes our last will
        sock = client._client.socket()
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise aiomqtt.MqttError("network down (simulated)")

    async def _telemetry(self, client: aiomqtt.Client, kind: str, body: dict[str, Any]) -> None:
        topic, message = build(
            secret=self.identity.secret,
            tenant=self.identity.tenant,
            cabinet=self.identity.code,
            boot=self.boot,
            seq=self.outbox.last_seq(self.boot),
            message_type=kind,
            body=body,
            ts=self.now_ms(),
        )
        await client.publish(topic, json.dumps(message), qos=1)

    def _boot_body(self) -> dict[str, Any]:
        depth = self.outbox.depth()
        return {"fw": FIRMWARE, "hw": "sim", "outbox": depth, "clock_synced": True}

    async def _heartbeats(self, client: aiomqtt.Client) -> None:
        while True:
            body = {
                "uptime_s": max(0, (self.now_ms() - self._started_ms) // 1000),
                "door": self.door,
                "outbox": self.outbox.depth(),
                "rssi_dbm": -60,
            }
            if self.door == "closed":  # protocol v1.1: each scale's idle statistics
                body["scales"] = [
                    idle_window(c, self.heartbeat_s) for c in self.bank.cells.values()
                ]
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
                    if self.mischief.wants("out_of_order"):
                        fresh[i], fresh[i + 1] = fresh[i + 1], fresh[i]
                        self.mischief.sent["out_of_order"] += 1
                for entry in fresh:
                    await slots.acquire()
                    in_flight.add(entry.id)
                    group.create_task(self._deliver(client, entry, slots, in_flight))

    async def _deliver(
        self, client: aiomqtt.Client, entry: Entry, slots: asyncio.Semaphore, in_flight: set[str]
    ) -> None:
        try:
            topic, message = build(
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
            await client.publish(topic, json.dumps(message), qos=1)
            self.outbox.remove(entry.id)
            self.stats.published += 1
            for twin in self.mischief.twins(topic, message, self.identity.secret):
                await client.publish(topic, twin, qos=1)
        finally:
            in_flight.discard(entry.id)
            slots.release()

    # ---- commands ------------------------------------------------------------------------

    async def _commands(self, client: aiomqtt.Client) -> None:
        async for received in client.messages:
            payload = received.payload if isinstance(received.payload, bytes) else b""
            await self.on_command(str(received.topic), payload)

    async def on_command(self, topic: str, payload: bytes) -> None:
        """Verify, run once per command id, acknowledge (received, then done/failed)."""
        try:
            if topic != self.topic("cmd"):  # a broker should never deliver it; amqtt once did
                raise ProtocolError("wrong_topic", "not this cabinet's command topic")
            parsed, message = decode(topic, payload)
            if message["type"] not in DOWN_TYPES:
                raise ProtocolError("wrong_topic", message["type"])
            verify(self.identity.secret, parsed, message)
            self._guard.check(message, self.now_ms())
        except ProtocolError as refused:
            self.stats.refused[refused.code] += 1
            logger.warning("%s refused %s: %s", self.identity.code, topic[:120], refused)
            return
        body = message["body"]
        command = body["command"]
        previous = self.outbox.command_ack(command)
        if previous is not None:
            self.stats.commands_duplicate += 1
            self._acknowledge(command, "duplicate", previous.get("code"), remember=False)
            return
        if body["expires"] < self.now_ms():
            self._acknowledge(command, "expired")
            return
        self._acknowledge(command, "received")
        failure = await self._execute(message["type"], body)
        self._acknowledge(command, "failed" if failure else "done", failure)
        self.stats.commands_done += 1

    def _acknowledge(
        self, command: str, status: str, code: str | None = None, *, remember: bool = True
    ) -> None:
        body: dict[str, Any] = {"command": command, "status": status, "at": self.now_ms()}
        if code:
            body["code"] = code
        if remember:
            self.outbox.remember_command(command, body, self.now_ms())
        self.record("cmd.ack", body)

    async def _execute(self, kind: str, body: dict[str, Any]) -> str | None:
        """Carry a command out; the failure code, or None when done."""
        if kind == "cmd.unlock":
            until = self.now_ms() + body["max_open_s"] * 1000
            self.unlock = Unlock(body["session"], dict(body["by"]), until)
            self.unlocked.set()
        elif kind == "cmd.lock":
            self.unlock = None
            self.unlocked.clear()
        elif kind == "cmd.config":
            return self._configure(body)
        elif kind == "cmd.lease":
            self.outbox.save_setting("lease", body)
        elif kind == "cmd.tare":
            cell = self.bank.cells.get(body["slot"])
            if cell is None:
                return "unknown_slot"
            cell.tare()
        elif kind == "cmd.reboot":
            asyncio.get_running_loop().call_later(body["delay_s"], self.reboot)
        elif kind == "cmd.reread":
            return await self._reread(body)
        return None

    @property
    def layout(self) -> dict[str, Any] | None:
        """The slot layout the cloud last sent (`cmd.config` body), kept across power-ups."""
        return self.outbox.setting("planogram")

    def _configure(self, body: dict[str, Any]) -> str | None:
        """Keep the newest layout; an older version arriving late changes nothing."""
        current = self.layout
        if current is not None and current["version"] > body["version"]:
            return "stale_config"
        self.outbox.save_setting("planogram", body)
        self.configured.set()
        return None

    async def _reread(self, body: dict[str, Any]) -> str | None:
        """Read the named scales again (protocol v1.1) and send their fresh series."""
        if self.door != "closed":
            return "door_open"
        series = await self.read_series(REREAD_SERIES)
        wanted = set(body["slots"])
        readings = []
        for index, first in enumerate(series[0]):
            runs = [reads[index] for reads in series]
            if first.slot not in wanted or any(r.mg is None for r in runs):
                continue
            readings.append(
                {
                    "slot": first.slot,
                    "after_mg": runs[-1].mg,
                    "stable": all(r.stable for r in runs),
                    "series_mg": [r.mg for r in runs],
                }
            )
        if not readings:
            return "unknown_slot"
        self.record(
            "door.reread",
            {
                "session": body["session"],
                "command": body["command"],
                "at": self.now_ms(),
                "readings": readings,
            },
        )
        return None

    def reboot(self) -> None:
        """Power-cycle: a new boot id (its seq starts at 0); the outbox survives."""
        self.boot = uuid.uuid4().hex[:16]
        self._boot_sent = False
        self._started_ms = self.now_ms()
        self.set_network(False)
        asyncio.get_running_loop().call_later(0.5, self.set_network, True)


def _log_lost(code: str, error: BaseException) -> None:
    leaves = error.exceptions if isinstance(error, BaseExceptionGroup) else (error,)
    if all(isinstance(e, (aiomqtt.MqttError, OSError)) for e in leaves):
        logger.info("%s: connection lost (%s)", code, "; ".join(map(str, leaves)))
    else:
        logger.error("%s: session failed", code, exc_info=error)


async def _first(*awaitables) -> None:
    """Wait for the first to finish, cancel the others, re-raise its error if it failed."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()
