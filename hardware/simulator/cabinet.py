"""A simulated cabinet controller that speaks protocol v1.1 like a firmware would
(docs/protocol.md): the firmware of hardware/firmware.py (MQTT session, outbox, answers, commands)
driving simulated hardware — a scale bank read over Modbus TCP, an RFID tag set, a door — with a
clock that may be skewed and misbehaviour switches (hardware/simulator/mischief.py).
"""

from __future__ import annotations

from typing import Any

from pymodbus.client import AsyncModbusTcpClient

from hardware.firmware import (
    IN_FLIGHT,
    CabinetFirmware,
    CabinetIdentity,
    CabinetStats,
)
from hardware.scales import Reading, poll_bank
from hardware.simulator.camera import CabinetCameras
from hardware.simulator.weighing import LoadCell, ScaleBank, idle_window

__all__ = ["IN_FLIGHT", "CabinetIdentity", "CabinetStats", "SimulatedCabinet"]
FIRMWARE = "sim-1.0"


class SimulatedCabinet(CabinetFirmware):
    firmware = FIRMWARE
    hardware = "sim"

    def __init__(
        self,
        identity: CabinetIdentity,
        *,
        cells: list[LoadCell],
        tags: dict[str, list[str]] | None = None,
        cameras: CabinetCameras | None = None,
        **options: Any,  # broker, outbox_path, clock and protocol: see CabinetFirmware
    ) -> None:
        super().__init__(identity, **options)
        self.bank = ScaleBank(cells)
        self.tags = {slot: list(epcs) for slot, epcs in (tags or {}).items()}
        self.cameras = cameras
        self._modbus: AsyncModbusTcpClient | None = None

    def rfid(self) -> list[str]:
        return sorted(epc for epcs in self.tags.values() for epc in epcs)

    async def read_scales(self) -> list[Reading]:
        if self._modbus is None:
            self._modbus = AsyncModbusTcpClient("127.0.0.1", port=self.bank.port)
        if not self._modbus.connected:
            await self._modbus.connect()
        return await poll_bank(self._modbus, self.bank.channels(), attempts=40, interval_s=0.05)

    def tare(self, slot: str) -> str | None:
        cell = self.bank.cells.get(slot)
        if cell is None:
            return "unknown_slot"
        cell.tare()
        return None

    def idle_scales(self) -> list[dict[str, Any]]:
        return [idle_window(c, self.heartbeat_s) for c in self.bank.cells.values()]

    async def power_on(self) -> None:
        await self.bank.start()

    async def power_off(self) -> None:
        if self._modbus is not None:
            self._modbus.close()
        await self.bank.stop()
