"""Modbus weighing indicators: per-model register maps (configuration, not code) and the poller
that reads every scale of a bank and waits for a stable reading.

One `AsyncModbusTcpClient` per TCP endpoint (a Modbus TCP gateway in front of an RS-485 line of
indicators, or a simulated cabinet's server); each indicator answers on its own unit id.
Weights leave this module as integer milligrams, as the protocol carries them.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any, Literal, cast

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException


@dataclass(frozen=True)
class RegisterMap:
    """Where an indicator model keeps its weight and its stability flag (0-based addresses:
    holding register 40008 in a manual is address 7)."""

    model: str
    table: Literal["holding", "input"]
    weight_address: int
    datatype: Literal["int32", "float32"]
    word_order: Literal["big", "little"]
    mg_per_count: float  # the raw value × this = milligrams (decimals and unit folded in)
    status_address: int | None  # a 16-bit status register, or None when the model has no flag
    status_bit: int = 0
    stable_when_set: bool = True  # False when the bit means "in motion"


# Modelled on the indicators our partners' cabinets use (register numbers from their manuals,
# field notes); a deployment can add its own maps without code changes.
INDICATORS: dict[str, RegisterMap] = {
    # Laumas TLU: net weight int32 at 40010/40011 (big-endian words), 0.1 g; stable = bit 11.
    "laumas_tlu": RegisterMap(
        "laumas_tlu", "holding", 9, "int32", "big", 100.0, status_address=6, status_bit=11
    ),
    # Eagle EI-2000: float32 grams at input 0x1000, low word first; stable = bit 0 at 0x1002.
    "eagle_ei2000": RegisterMap(
        "eagle_ei2000",
        "input",
        0x1000,
        "float32",
        "little",
        1000.0,
        status_address=0x1002,
        status_bit=0,
    ),
    # Tuna ID551PN: float32 kilograms at 40001/40002; bit 12 of 40005 set while in motion.
    "tuna_id551pn": RegisterMap(
        "tuna_id551pn",
        "holding",
        0,
        "float32",
        "big",
        1_000_000.0,
        status_address=4,
        status_bit=12,
        stable_when_set=False,
    ),
}


@dataclass(frozen=True)
class Reading:
    slot: str
    mg: int | None  # None: the indicator did not answer
    stable: bool


@dataclass(frozen=True)
class ScaleChannel:
    slot: str
    unit: int  # Modbus unit (device) id of the indicator
    model: str


async def _registers(
    client: AsyncModbusTcpClient, table: str, address: int, count: int, unit: int
) -> list[int]:
    read = client.read_holding_registers if table == "holding" else client.read_input_registers
    response = await read(address, count=count, device_id=unit)
    if response.isError():
        raise ModbusException(f"unit {unit} refused address {address}")
    return list(response.registers)


async def read_once(client: AsyncModbusTcpClient, channel: ScaleChannel) -> Reading:
    layout = INDICATORS[channel.model]
    datatype = client.DATATYPE.INT32 if layout.datatype == "int32" else client.DATATYPE.FLOAT32
    try:
        words = await _registers(client, layout.table, layout.weight_address, 2, channel.unit)
        raw = client.convert_from_registers(words, datatype, word_order=layout.word_order)
        stable = True
        if layout.status_address is not None:
            (status,) = await _registers(
                client, layout.table, layout.status_address, 1, channel.unit
            )
            bit = bool(status >> layout.status_bit & 1)
            stable = bit if layout.stable_when_set else not bit
    except (ModbusException, ConnectionError, TimeoutError):
        return Reading(channel.slot, None, False)
    number = cast(int | float, raw)  # what INT32 and FLOAT32 registers convert to
    return Reading(channel.slot, round(number * layout.mg_per_count), stable)


async def read_stable(
    client: AsyncModbusTcpClient,
    channel: ScaleChannel,
    *,
    attempts: int = 20,
    interval_s: float = 0.1,
) -> Reading:
    """Read until the indicator says stable (the last reading, marked unstable, otherwise)."""
    reading = await read_once(client, channel)
    for _ in range(attempts - 1):
        if reading.stable or reading.mg is None:
            return reading
        await asyncio.sleep(interval_s)
        reading = await read_once(client, channel)
    return reading


async def poll_bank(
    client: AsyncModbusTcpClient, channels: list[ScaleChannel], **kwargs: Any
) -> list[Reading]:
    """Every scale of a bank, one after another (one RS-485 line answers one request at a time)."""
    return [await read_stable(client, channel, **kwargs) for channel in channels]


def idle_statistics(slot: str, readings_mg: list[int], span_s: float) -> dict[str, Any]:
    """Protocol v1.1 heartbeat statistics of one scale's idle readings (at least one) over
    `span_s`: count, mean, sample sd (never more than the range), min, max."""
    n = len(readings_mg)
    mean = sum(readings_mg) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in readings_mg) / (n - 1)) if n > 1 else 0.0
    low, high = min(readings_mg), max(readings_mg)
    return {
        "slot": slot,
        "n": n,
        "mean_mg": min(max(round(mean), low), high),
        "sd_mg": min(round(sd), high - low),
        "min_mg": low,
        "max_mg": high,
        "span_s": max(0, min(round(span_s), 86400)),
    }
