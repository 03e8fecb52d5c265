"""The firmware of a cabinet that has none: on a site's LAN, its scale banks (Modbus TCP
gateway in front of the indicators), door sensor (a discrete input) and lock (a coil) are read
and driven from here, and the cabinet speaks protocol v1.1 to the broker with its own
credentials — the same messages a controller would send, so the cloud cannot tell them apart.

- `cmd.unlock`: the scales' baseline is read, then the lock coil is set (`failed`
  `lock_offline` when the I/O does not answer); the coil is released as soon as the door opens,
  or when the unlock's `max_open_s` passes unopened.
- The door opening with a valid unlock: `door.opened` naming the unlock's session and `by`;
  without one: an `alarm` `door_forced` (the door as found at start-up raises nothing). Open
  longer than `max_open_s`: `alarm` `door_left_open` (once). Closing: `door.closed` with every
  scale's baseline and a series of door-closed readings (hardware/firmware.py
  `door_closed_readings`).
- While closed, the scales are read every `scale_every_s`: each heartbeat carries their idle
  statistics, and an indicator that stops answering is an `alarm` `scale_fault` for its slot
  (once per outage), never a crash.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from hardware.firmware import SERIES, CabinetFirmware, CabinetIdentity, door_closed_readings
from hardware.scales import Reading, ScaleChannel, idle_statistics, poll_bank
from hardware.simulator.commands import Unlock
from hardware.tasks import cancel_and_wait

logger = logging.getLogger(__name__)
MODBUS_ERRORS = (ModbusException, ConnectionError, TimeoutError, OSError)
DOOR_SILENT_MS = 10_000


class LanCabinet(CabinetFirmware):
    firmware = "lan-1.0"
    hardware = "modbus-lan"

    def __init__(
        self,
        identity: CabinetIdentity,
        *,
        controller: dict[str, Any],
        poll_s: float = 0.2,
        scale_every_s: float = 1.0,
        modbus_timeout_s: float = 1.0,
        **options: Any,  # broker, outbox_path, heartbeat_s: see CabinetFirmware
    ) -> None:
        super().__init__(identity, **options)
        self.channels = [
            ScaleChannel(s["slot"], s["unit"], s["model"]) for s in controller["scales"]
        ]
        self.poll_s = poll_s
        self.scale_every_s = scale_every_s
        self.series_spacing_s = 0.2
        self._wiring = controller
        host, port = controller["host"], controller["port"]
        self._scales = AsyncModbusTcpClient(host, port=port, timeout=modbus_timeout_s, retries=0)
        io = (controller.get("io_host") or host, controller.get("io_port") or port)
        self._io = (
            self._scales
            if io == (host, port)
            else AsyncModbusTcpClient(io[0], port=io[1], timeout=modbus_timeout_s, retries=0)
        )
        self._baseline: list[Reading] | None = None
        self._baseline_at = 0
        self._idle: dict[str, list[int]] = {c.slot: [] for c in self.channels}
        self._idle_since = self.now_ms()
        self._faulty: set[str] = set()  # slots whose indicator is not answering
        self._door_known = False
        self.door_silent_ms = DOOR_SILENT_MS
        self._door_silent_since: int | None = None  # the door sensor not answering since
        self._door_silence_told = False
        self._visit: dict[str, Any] | None = None  # the door session while the door is open
        self._watching: asyncio.Task[Any] | None = None
        self._line = asyncio.Lock()  # one request at a time, as on the RS-485 line behind

    # ---- Modbus --------------------------------------------------------------------------

    @staticmethod
    async def _connected(client: AsyncModbusTcpClient) -> bool:
        if client.connected:
            return True
        with suppress(*MODBUS_ERRORS):
            return bool(await client.connect())
        return False

    async def read_scales(self) -> list[Reading]:
        async with self._line:
            if not await self._connected(self._scales):
                return [Reading(c.slot, None, False) for c in self.channels]
            return await poll_bank(self._scales, self.channels, attempts=10, interval_s=0.1)

    async def door_is_open(self) -> bool | None:
        """The door sensor, or None when the I/O does not answer."""
        unit, address = self._wiring["io_unit"], self._wiring["door_input"]
        async with self._line:
            if not await self._connected(self._io):
                return None
            try:
                response = await self._io.read_discrete_inputs(address, count=1, device_id=unit)
            except MODBUS_ERRORS:
                return None
        if response.isError():
            return None
        return bool(response.bits[0]) == bool(self._wiring["door_open_when"])

    async def set_lock(self, released: bool) -> bool:
        """Set (release the lock) or clear the coil; whether the I/O took it."""
        unit, address = self._wiring["io_unit"], self._wiring["lock_coil"]
        async with self._line:
            if not await self._connected(self._io):
                return False
            try:
                response = await self._io.write_coil(address, released, device_id=unit)
            except MODBUS_ERRORS:
                return False
        return not response.isError()

    # ---- commands ------------------------------------------------------------------------

    async def open_lock(self, unlock: Unlock) -> str | None:
        if self.door == "open":
            return "door_open"
        self._baseline = await self.read_scales()  # `before`: the last reading before it opens
        self._baseline_at = self.now_ms()
        if not await self.set_lock(True):
            return "lock_offline"
        return await super().open_lock(unlock)

    async def close_lock(self) -> str | None:
        if not await self.set_lock(False):
            return "lock_offline"
        return await super().close_lock()

    # ---- the door and the scales, watched --------------------------------------------------

    async def power_on(self) -> None:
        self._watching = asyncio.create_task(self._watch())

    async def power_off(self) -> None:
        if self._watching is not None:
            await cancel_and_wait([self._watching])
        await self.set_lock(False)  # fail secure
        self._scales.close()
        self._io.close()

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        next_scales = 0.0
        while True:
            try:
                await self._step()
                if self.door == "closed" and loop.time() >= next_scales:
                    next_scales = loop.time() + self.scale_every_s
                    await self._idle_reading()
            except Exception:  # the hardware misbehaving must never stop the cabinet
                logger.exception("%s: watching the door and scales failed", self.identity.code)
            await asyncio.sleep(self.poll_s)

    async def _step(self) -> None:
        now = self.now_ms()
        unlock = self.unlock
        if unlock is not None and self.door == "closed" and unlock.until_ms < now:
            self.unlock = None  # nobody opened it in time: lock again
            await self.set_lock(False)
        is_open = await self.door_is_open()
        self._door_sensor_answered(is_open is not None, now)
        if is_open is None:
            return
        if not self._door_known:  # as found at power-up: nothing happened, nothing to report
            self._door_known, self.door = True, "open" if is_open else "closed"
            return
        if is_open and self.door == "closed":
            await self._opened(now)
        elif not is_open and self.door == "open":
            await self._closed()
        elif is_open:
            self._left_open(now)

    def _door_sensor_answered(self, answered: bool, now: int) -> None:
        """A door sensor silent for `door_silent_ms` is a `tamper` alarm (once until it answers
        again): a door nobody can see opening must not go unnoticed."""
        if answered:
            self._door_silent_since, self._door_silence_told = None, False
            return
        if self._door_silent_since is None:
            self._door_silent_since = now
        if not self._door_silence_told and now - self._door_silent_since >= self.door_silent_ms:
            self._door_silence_told = True
            detail = "door sensor (I/O module) does not answer"
            self.record("alarm", {"kind": "tamper", "at": now, "detail": detail})

    def _left_open(self, now: int) -> None:
        """Open past the unlock's `max_open_s`: one `door_left_open` alarm for the session."""
        visit = self._visit
        if visit is None or visit["alarmed"]:
            return
        if now - visit["opened"] > visit["max_open_ms"]:
            visit["alarmed"] = True
            detail = f"open for {(now - visit['opened']) // 1000} s"
            self.record("alarm", {"kind": "door_left_open", "at": now, "detail": detail})

    async def _opened(self, now: int) -> None:
        self.door = "open"
        unlock = self.unlock
        if unlock is None or unlock.until_ms < now:
            self._visit = None
            self.record("alarm", {"kind": "door_forced", "at": now})
            return
        await self.set_lock(False)  # it is open: the lock catches again when it closes
        self._visit = {
            "session": unlock.session,
            "opened": now,
            "max_open_ms": max(unlock.until_ms - self._baseline_at, 1000),
            "alarmed": False,
        }
        self.unlock = None
        self.record("door.opened", {"session": unlock.session, "at": now, "by": unlock.by})

    async def _closed(self) -> None:
        self.door = "closed"
        closed = self.now_ms()
        visit, self._visit = self._visit, None
        if visit is None:
            return
        series = await self.read_series(SERIES)
        before = self._baseline or series[0]
        body = {
            "session": visit["session"],
            "at": closed,
            "open_ms": closed - visit["opened"],
            "readings": door_closed_readings(before, series, self._baseline_at or closed),
            "rfid": [],
            "snapshot": None,
        }
        self.record("door.closed", body)
        self._baseline = None

    async def _idle_reading(self) -> None:
        readings = await self.read_scales()
        now = self.now_ms()
        for reading in readings:
            if reading.mg is None:
                if reading.slot not in self._faulty:
                    self._faulty.add(reading.slot)
                    unit = next(c.unit for c in self.channels if c.slot == reading.slot)
                    detail = f"indicator unit {unit} does not answer"
                    body = {"kind": "scale_fault", "at": now, "slot": reading.slot}
                    self.record("alarm", body | {"detail": detail})
                continue
            self._faulty.discard(reading.slot)
            if reading.stable:
                self._idle[reading.slot].append(reading.mg)
        if self.unlock is None:
            self._baseline, self._baseline_at = readings, now

    def idle_scales(self) -> list[dict[str, Any]]:
        span_s = (self.now_ms() - self._idle_since) / 1000
        windows = [
            idle_statistics(slot, readings, span_s)
            for slot, readings in self._idle.items()
            if readings
        ]
        self._idle = {c.slot: [] for c in self.channels}
        self._idle_since = self.now_ms()
        return windows
