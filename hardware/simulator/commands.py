"""A cabinet firmware's command handling (docs/protocol.md § 6): every command verified,
run once per command id and acknowledged (`received`, then `done` / `failed`); the cloud's v1.1
answers handed to the outbox's waiting copies; misbehaviours from hardware/simulator/mischief.py.
A mixin of CabinetFirmware (hardware/firmware.py), which owns the state it uses; the device
drives its lock in `open_lock` / `close_lock` and its scales in `tare` / `read_series`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import aiomqtt

from hardware.protocol.messages import DOWN_TYPES, NonceGuard, ProtocolError, decode, verify

if TYPE_CHECKING:
    from collections import Counter

    from hardware.scales import Reading
    from hardware.simulator.answers import CloudAnswers
    from hardware.simulator.mischief import Mischief
    from hardware.simulator.outbox import Entry, Outbox

logger = logging.getLogger(__name__)
REREAD_SERIES = 4  # readings per scale in a door.reread


@dataclass(frozen=True)
class Unlock:
    session: str
    by: dict[str, str]
    until_ms: int


class _Identity(Protocol):  # hardware.firmware.CabinetIdentity, which imports this module
    @property
    def code(self) -> str: ...
    @property
    def secret(self) -> bytes: ...


class _Stats(Protocol):  # hardware.firmware.CabinetStats
    commands_done: int
    commands_duplicate: int
    refused: Counter[str]


class CommandHandling:
    # The firmware's state and device methods used here (CabinetFirmware owns them).
    identity: _Identity
    outbox: Outbox
    door: str
    mischief: Mischief
    stats: _Stats
    unlock: Unlock | None
    unlocked: asyncio.Event
    configured: asyncio.Event
    answers: CloudAnswers
    screen: list[dict[str, Any]]
    _guard: NonceGuard

    if TYPE_CHECKING:

        def now_ms(self) -> int: ...
        def topic(self, channel: str) -> str: ...
        def record(self, message_type: str, body: dict[str, Any]) -> Entry: ...
        def tare(self, slot: str) -> str | None: ...
        def reboot(self) -> None: ...
        async def read_series(self, length: int) -> list[list[Reading]]: ...

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
            if message["type"] == "msg.ack":  # fresh by the nonce it names, not by its time
                self.answers.heard(message["body"])
                return
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
        fate = self.mischief.command_fate()  # never_acks, received_only: lost in the firmware
        if fate != "never_acks":
            self._acknowledge(command, "received")
        if fate is not None:
            return
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
            return await self.open_lock(Unlock(body["session"], dict(body["by"]), until))
        if kind == "cmd.lock":
            return await self.close_lock()
        if kind == "cmd.config":
            return self._configure(body)
        elif kind == "cmd.lease":
            self.outbox.save_setting("lease", body)
        elif kind == "cmd.tare":
            return self.tare(body["slot"])
        elif kind == "cmd.reboot":
            asyncio.get_running_loop().call_later(body["delay_s"], self.reboot)
        elif kind == "cmd.reread":
            return await self._reread(body)
        elif kind == "auth.result":  # v1.1: what the screen says after a badge, PIN or QR
            self.screen.append(body)
        return None

    async def open_lock(self, unlock: Unlock) -> str | None:
        """Let the door open for this session (a device with a real lock drives it first)."""
        self.unlock = unlock
        self.unlocked.set()
        return None

    async def close_lock(self) -> str | None:
        self.unlock = None
        self.unlocked.clear()
        return None

    @property
    def layout(self) -> dict[str, Any] | None:
        """The slot layout the cloud last sent (`cmd.config` body), kept across power-ups."""
        layout: dict[str, Any] | None = self.outbox.setting("planogram")
        return layout

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
