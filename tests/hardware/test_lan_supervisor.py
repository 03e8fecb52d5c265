"""The LAN driver as `make run` runs it (hardware/lan/supervisor.py): a controller-less cabinet
registered in the console while the deployment runs is driven within one rescan — it comes
online and a console unlock sets its lock coil — and once decommissioned it is driven no more."""

from __future__ import annotations

import asyncio

from app.cabinets.models import Cabinet
from app.cabinets.services import provisioning
from app.cabinets.services.lan import LanWiring, register_lan_cabinet
from app.core.config import load_settings
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from hardware.lan.supervisor import LanSupervisor
from hardware.simulator.door_io import DoorIo
from hardware.simulator.weighing import ScaleBank
from tests.hardware.harness import broker_and_gateway, provisioned, three_layout_cells, until
from tests.hardware.test_lan_cabinet import ADMIN, WIRING, _unlock
from tests.withdrawals.test_door_sessions import _cabinet, _stocked_cabinet


def _register(cabinet_id: int, port: int) -> None:
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        register_lan_cabinet(
            session=session,
            scope=TenantScope.single(tenant_id),
            cabinet_id=cabinet_id,
            wiring=LanWiring(
                host="127.0.0.1", port=port, io_unit=9, lock_coil=3, door_input=5, scales=WIRING
            ),
            actor=ADMIN,
        )


def _decommission(cabinet_id: int) -> None:
    with session_scope() as session:
        tenant_id = session.get(Cabinet, cabinet_id).tenant_id
        provisioning.decommission(
            session=session, scope=TenantScope.single(tenant_id), cabinet_id=cabinet_id, actor=ADMIN
        )


async def test_a_lan_cabinet_registered_while_running_is_driven_until_decommissioned(
    tmp_path,
) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    io = DoorIo(unit=9, lock_coil=3, door_input=5)
    bank = ScaleBank(three_layout_cells(), io=io)
    await bank.start()
    stop = asyncio.Event()
    try:
        async with broker_and_gateway("embedded", identity.tenant, tmp_path) as (address, _gw):
            supervisor = LanSupervisor(
                broker=address, outbox_dir=tmp_path / "lan", rescan_s=0.5, heartbeat_s=1
            )
            running = asyncio.create_task(supervisor.run(stop))
            await asyncio.sleep(1)
            assert cabinet_id not in supervisor.driven  # not a LAN cabinet yet
            _register(cabinet_id, bank.port)
            await until(lambda: _cabinet(cabinet_id).is_online, 20)
            _unlock(cabinet_id)
            await until(lambda: io.lock_released, 20)  # cmd.unlock → the lock coil
            _decommission(cabinet_id)
            await until(lambda: cabinet_id not in supervisor.driven, 10)
            stop.set()
            await asyncio.wait_for(running, 15)
    finally:
        stop.set()
        await bank.stop()


def test_the_lan_driver_runs_by_default_only_beside_the_embedded_broker() -> None:
    assert load_settings({"DATA_DIR": "/tmp/x", "SECRET_KEY": "k" * 40}).lan_driver
    with_broker = {"DATA_DIR": "/tmp/x", "SECRET_KEY": "k" * 40, "MQTT_URL": "mqtt://b:1883"}
    assert not load_settings(with_broker).lan_driver  # a site process drives them (make lan)
    assert load_settings(with_broker | {"LAN_DRIVER": "1"}).lan_driver
