"""Simulated weighing: load cells that settle, drift and jitter like real ones, behind one
Modbus TCP server per scale bank (pymodbus SimDevice) that answers in the register layout of a real
indicator model (hardware/scales.py INDICATORS) — the controller reads them with the same poller
an edge deployment uses against a Modbus TCP gateway.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from hardware.net import free_port
from hardware.scales import INDICATORS, RegisterMap, ScaleChannel, idle_statistics
from hardware.simulator.door_io import DoorIo

_DT = AsyncModbusTcpClient.DATATYPE
# Each indicator class's display division and the noise of one reading (1 σ), as its data sheet
# and our bench say (app/withdrawals/services/scale_model.py DEFAULT_MODELS holds the same figures).
DIVISION_G = {"laumas_tlu": 0.1, "eagle_ei2000": 0.5, "tuna_id551pn": 1.0}
CLASS_SIGMA_G = {"laumas_tlu": 0.5, "eagle_ei2000": 1.0, "tuna_id551pn": 2.0}
IDLE_READINGS = 20  # idle readings a heartbeat's statistics summarise


@dataclass
class LoadCell:
    """One platter: what lies on it, and what its indicator shows at a given moment.

    shown = load + drift·hours + (previous − load)·e^(−t/τ) + N(0, σ) − tare; the indicator
    flags motion while the transient is larger than `motion_band_g`."""

    slot: str
    unit: int
    model: str
    load_g: float = 0.0
    noise_g: float = 0.3  # σ of the reading
    drift_g_per_h: float = 0.5  # creep and temperature
    settle_tau_s: float = 0.15
    motion_band_g: float = 0.8
    tare_g: float = 0.0
    tray_g: float = 0.0  # the empty tray's weight, part of load_g (what people cannot take)
    silent: bool = False  # the indicator stopped answering (its gateway says so)
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self._born = self.clock()
        self._changed_at = self._born
        self._previous_g = self.load_g

    def _drift(self, now: float) -> float:
        return self.drift_g_per_h * (now - self._born) / 3600

    def _transient(self, now: float) -> float:
        return (self._previous_g - self.load_g) * math.exp(
            -(now - self._changed_at) / self.settle_tau_s
        )

    def change_load(self, delta_g: float) -> None:
        """Something was put on (positive) or taken off (negative) the platter."""
        now = self.clock()
        self._previous_g = self.load_g + self._transient(now)
        self.load_g += delta_g
        self._changed_at = now

    def tare(self) -> None:
        now = self.clock()
        self.tare_g = self.load_g + self._drift(now)

    def sample(self) -> tuple[float, bool]:
        now = self.clock()
        transient = self._transient(now)
        shown = self.load_g + self._drift(now) + transient - self.tare_g
        return shown + self.rng.gauss(0.0, self.noise_g), abs(transient) < self.motion_band_g

    @property
    def channel(self) -> ScaleChannel:
        return ScaleChannel(self.slot, self.unit, self.model)


def registers_for(layout: RegisterMap, grams: float, stable: bool) -> dict[int, int]:
    """The register values an indicator of this model shows for this weight."""
    raw = grams * 1000 / layout.mg_per_count
    datatype = _DT.INT32 if layout.datatype == "int32" else _DT.FLOAT32
    value = round(raw) if layout.datatype == "int32" else raw
    words = AsyncModbusTcpClient.convert_to_registers(value, datatype, word_order=layout.word_order)
    registers = {layout.weight_address: words[0], layout.weight_address + 1: words[1]}
    if layout.status_address is not None:
        flag = stable == layout.stable_when_set
        registers[layout.status_address] = (1 << layout.status_bit) if flag else 0
    return registers


async def _refresh(
    cell: LoadCell,
    _fc: int,
    start: int,
    _address: int,
    _count: int,
    registers: list[int],
    values: list[int] | list[bool] | None,
) -> ExcCodes | None:
    if cell.silent:  # what a Modbus TCP gateway answers for an RS-485 device that is silent
        return ExcCodes.GATEWAY_NO_RESPONSE
    if values is not None:
        return None  # indicators here are read-only over Modbus (tare goes by command)
    grams, stable = cell.sample()
    for address, word in registers_for(INDICATORS[cell.model], grams, stable).items():
        registers[address - start] = word
    return None


def _device(cell: LoadCell) -> SimDevice:
    layout = INDICATORS[cell.model]
    addresses = registers_for(layout, 0.0, True)
    data = [SimData(address=a, values=0, datatype=DataType.REGISTERS) for a in sorted(addresses)]
    return SimDevice(id=cell.unit, simdata=data, action=partial(_refresh, cell))


class ScaleBank:
    """The indicators of one RS-485 line behind a Modbus TCP gateway (one server, one port)."""

    def __init__(
        self, cells: list[LoadCell], port: int | None = None, io: DoorIo | None = None
    ) -> None:
        self.cells = {cell.slot: cell for cell in cells}
        self.port = port or free_port()
        self.io = io  # a door sensor and a lock on the same line (a cabinet with no controller)
        devices = [_device(cell) for cell in cells] + ([io.device()] if io else [])
        self._server = ModbusTcpServer(devices, address=("127.0.0.1", self.port))
        self._serving: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        self._serving = asyncio.create_task(self._server.serve_forever())
        async with asyncio.timeout(5):
            while True:  # listening once a client can connect
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    await asyncio.sleep(0.02)
                    continue
                writer.close()
                return

    async def stop(self) -> None:
        await self._server.shutdown()  # type: ignore[no-untyped-call]  # unannotated in pymodbus
        if self._serving is not None:
            self._serving.cancel()

    def channels(self) -> list[ScaleChannel]:
        return [cell.channel for cell in self.cells.values()]


def shown_mg(cell: LoadCell, grams: float) -> int:
    """A reading as the indicator displays it: rounded to its division, in milligrams."""
    division = DIVISION_G.get(cell.model, 0.1)
    return round(round(grams / division) * division * 1000)


def idle_window(cell: LoadCell, span_s: float, n: int = IDLE_READINGS) -> dict[str, Any]:
    """Protocol v1.1 heartbeat statistics of one scale: `n` idle readings over `span_s`."""
    readings = [shown_mg(cell, cell.sample()[0]) for _ in range(n)]
    return idle_statistics(cell.slot, readings, span_s)
