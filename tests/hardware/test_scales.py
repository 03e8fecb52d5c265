"""The poller reads the three indicator layouts from a real Modbus TCP server (pymodbus
SimDevice): int32 big-endian, word-swapped float32 on input registers, float32 kilograms with a
"motion" bit — and waits for the stability flag."""

from __future__ import annotations

import asyncio

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from hardware.net import free_port
from hardware.scales import INDICATORS, ScaleChannel, poll_bank

DT = AsyncModbusTcpClient.DATATYPE


def _words(value: float, datatype, word_order: str) -> list[int]:
    return AsyncModbusTcpClient.convert_to_registers(value, datatype, word_order=word_order)


def _device(unit: int, model: str, raw: float, status: int, action=None) -> SimDevice:
    layout = INDICATORS[model]
    datatype = DT.INT32 if layout.datatype == "int32" else DT.FLOAT32
    registers = {
        layout.weight_address: _words(raw, datatype, layout.word_order)[0],
        layout.weight_address + 1: _words(raw, datatype, layout.word_order)[1],
        layout.status_address: status,
    }
    data = [
        SimData(address=a, values=v, datatype=DataType.REGISTERS)
        for a, v in sorted(registers.items())
    ]
    # one shared block: holding and input requests read the same registers
    return SimDevice(id=unit, simdata=data, action=action)


async def test_three_layouts_read_in_milligrams_after_settling() -> None:
    reads_of_tuna = 0

    async def settling(func_code, start, address, count, registers, values):
        nonlocal reads_of_tuna
        layout = INDICATORS["tuna_id551pn"]
        if address == layout.status_address:
            reads_of_tuna += 1
            offset = layout.status_address - start
            registers[offset] = (1 << 12) if reads_of_tuna < 3 else 0  # in motion, then still

    devices = [
        _device(1, "laumas_tlu", 12_345, 1 << 11),  # 1234.5 g, stable
        _device(2, "eagle_ei2000", 845.5, 1),  # 845.5 g, word-swapped float, stable
        _device(3, "tuna_id551pn", 1.25, 1 << 12, action=settling),  # 1.25 kg, moving at first
        _device(4, "laumas_tlu", -200, 0),  # tared below zero and never stable
    ]
    port = free_port()
    server = ModbusTcpServer(devices, address=("127.0.0.1", port))
    serving = asyncio.create_task(server.serve_forever())
    await asyncio.sleep(0.3)
    client = AsyncModbusTcpClient("127.0.0.1", port=port)
    try:
        assert await client.connect()
        channels = [
            ScaleChannel("A1", 1, "laumas_tlu"),
            ScaleChannel("A2", 2, "eagle_ei2000"),
            ScaleChannel("A3", 3, "tuna_id551pn"),
            ScaleChannel("A4", 4, "laumas_tlu"),
            ScaleChannel("A5", 9, "laumas_tlu"),  # nobody answers on unit 9
        ]
        readings = await poll_bank(client, channels, attempts=5, interval_s=0.01)
    finally:
        client.close()
        await server.shutdown()
        serving.cancel()
    by_slot = {r.slot: r for r in readings}
    assert (by_slot["A1"].mg, by_slot["A1"].stable) == (1_234_500, True)
    assert (by_slot["A2"].mg, by_slot["A2"].stable) == (845_500, True)
    assert (by_slot["A3"].mg, by_slot["A3"].stable) == (1_250_000, True)
    assert reads_of_tuna == 3  # it waited for the motion bit to clear
    assert (by_slot["A4"].mg, by_slot["A4"].stable) == (-20_000, False)
    assert (by_slot["A5"].mg, by_slot["A5"].stable) == (None, False)
