"""A door sensor and a lock on Modbus (a digital I/O module, or the I/O of a cabinet with no
controller): the door's state is a discrete input, the lock's release a coil. Tests and the
simulator open and close the door by hand and see what the lock was told."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from pymodbus.simulator import DataType, SimData, SimDevice

if TYPE_CHECKING:
    from pymodbus.constants import ExcCodes

BITS = 16  # one register's worth of coils and inputs


@dataclass
class DoorIo:
    unit: int = 1
    lock_coil: int = 0
    door_input: int = 0
    door_open: bool = False  # the sensor (the input reads True while open)
    lock_released: bool = False  # the coil
    released: int = 0  # times the coil was set
    silent: bool = False
    coil_writes: list[bool] = field(default_factory=list)

    def device(self) -> SimDevice:
        top = max(self.lock_coil, self.door_input) // BITS + 1
        bits = [SimData(0, count=top * BITS, values=False, datatype=DataType.BITS)]
        register = [SimData(0, values=0, datatype=DataType.REGISTERS)]
        return SimDevice(
            id=self.unit, simdata=(bits, list(bits), register, register), action=partial(_io, self)
        )


async def _io(
    io: DoorIo,
    fc: int,
    start: int,
    address: int,
    count: int,
    registers: list[int],
    values: list[int] | list[bool] | None,
) -> ExcCodes | None:
    from pymodbus.constants import ExcCodes

    if io.silent:
        return ExcCodes.GATEWAY_NO_RESPONSE
    if fc == 2:  # read discrete inputs: the door sensor, as it is now
        word, bit = divmod(io.door_input, BITS)
        if 0 <= word - start < len(registers):
            mask = 1 << bit
            current = int(registers[word - start])
            registers[word - start] = current | mask if io.door_open else current & ~mask
    elif fc in (5, 15) and values is not None:  # write coil(s)
        offset = io.lock_coil - address
        if 0 <= offset < len(values):
            io.lock_released = bool(values[offset])
            io.coil_writes.append(io.lock_released)
            io.released += io.lock_released
    return None
