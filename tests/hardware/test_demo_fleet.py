"""What `make run` starts beside the embedded broker: simulated cabinets built from the database
(provisioned on the way when they have no credentials) whose heartbeats and employees' visits
reach the gateway."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from sqlmodel import select

from app.cabinets.models import Cabinet
from app.core.db import session_scope
from app.demo.service import seed_demo
from app.withdrawals.models import DoorSession, Withdrawal
from hardware.simulator.fleet import fleet_from_database
from hardware.simulator.run import FleetOptions, run_fleet
from tests.factories import make_cabinet, make_tenant
from tests.hardware.harness import embedded_broker, running_gateway, stored, until


async def test_the_demo_fleet_comes_alive(tmp_path) -> None:
    with session_scope() as session:
        tenant = make_tenant(session)
        cabinet = make_cabinet(session, tenant)
        cabinet.code = f"CD{uuid.uuid4().hex[:10].upper()}"
        cabinet.mqtt_username = cabinet.code.lower()
        cabinet_id = cabinet.id
    with session_scope() as session:
        specs = [s for s in fleet_from_database(session, 1000) if s.identity.code == cabinet.code]
        assert session.get(Cabinet, cabinet_id).secret_ciphertext is not None  # provisioned
    stop = asyncio.Event()
    async with embedded_broker() as (port, config), running_gateway(config):
        options = FleetOptions(
            broker=("127.0.0.1", port), outbox_dir=tmp_path, visits_per_min=120, heartbeat_s=1
        )
        fleet = asyncio.create_task(run_fleet(specs, options, stop))
        await until(
            lambda: (
                {"boot", "heartbeat", "auth.card"} <= {r.type for r in stored(None, cabinet_id)}
            ),
            20,
        )
        stop.set()
        await fleet
    with session_scope() as session:
        assert session.exec(select(Cabinet).where(Cabinet.id == cabinet_id)).one().is_online


async def test_a_demo_cabinet_simulated_from_its_planogram_records_real_withdrawals(
    tmp_path,
) -> None:
    with session_scope() as session:
        seed_demo(session=session)  # once per database: the demo world of `make run`
    with session_scope() as session:
        (spec,) = fleet_from_database(session, 1, codes=["CAB-XY-001"])
        cabinet_id = session.exec(select(Cabinet.id).where(Cabinet.code == "CAB-XY-001")).one()
    assert spec.stock and len(spec.stock) == 12  # its 12 weighed slots, as stocked
    stop = asyncio.Event()
    started = datetime.now(UTC)
    async with embedded_broker() as (port, config), running_gateway(config):
        options = FleetOptions(
            broker=("127.0.0.1", port), outbox_dir=tmp_path, visits_per_min=60, heartbeat_s=1
        )
        fleet = asyncio.create_task(run_fleet([spec], options, stop))
        await until(lambda: _withdrawals(cabinet_id, started) >= 2, 60)
        stop.set()
        await fleet
    with session_scope() as session:
        doors = session.exec(select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)).all()
        assert not [d.identification for d in doors if d.status == "exception"]


def _withdrawals(cabinet_id: int, since: datetime) -> int:
    """Withdrawals committed from visits the simulator played at this cabinet (the demo's
    history has older ones)."""
    with session_scope() as session:
        statement = select(Withdrawal).where(
            Withdrawal.cabinet_id == cabinet_id, Withdrawal.created_at >= since
        )
        return len(session.exec(statement).all())
