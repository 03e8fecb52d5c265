"""What `make run` starts beside the embedded broker: simulated cabinets built from the database
(provisioned on the way when they have no credentials) whose heartbeats and employees' visits
reach the gateway, and whose heartbeats keep them online across the presence sweeps that the
in-process schedule runs, while the demo's cabinets nothing connects to stay never connected."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app import jobs
from app.alerts.models import Alert, AlertStatus
from app.cabinets.models import Cabinet
from app.cabinets.services.presence import HEARTBEAT_S, sweep_presence
from app.core.db import session_scope
from app.demo.services.catalogue import TENANTS
from app.demo.services.demo import seed_demo
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


SPEED = 4  # the test's clock runs 4 times faster than the wall's (a cabinet silent for 22 s
# of real time is offline: slack for a loaded CI machine, where 6 s once was not enough, and 15 s
# not when a 2-core machine also ran two benchmarks beside the suite)
DEMO_CABINETS = [
    f"CAB-{code.split('-')[1]}-{n:03d}"
    for code, *_, count, _ in TENANTS
    for n in range(1, count + 1)
]


async def test_simulated_cabinets_stay_online_across_presence_sweeps_until_they_fall_silent(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope() as session:
        seed_demo(session=session)
    codes = [f"CAB-XY-{n:03d}" for n in (1, 2, 3)]  # what `make run` simulates
    with session_scope() as session:
        specs = fleet_from_database(session, 3, codes=codes)
        demo = session.exec(select(Cabinet).where(Cabinet.code.in_(DEMO_CABINETS))).all()
        simulated = [c.id for c in demo if c.code in codes]
        unconnected = [c.id for c in demo if c.code not in codes and c.last_heartbeat_at is None]
    assert len(specs) == 3 and unconnected  # the other tenants' demo cabinets
    started, base = time.monotonic(), datetime.now(UTC)

    def clock() -> datetime:
        return base + timedelta(seconds=SPEED * (time.monotonic() - started))

    async def run_in_session(fn, /, **kwargs):  # the in-process sweep job, on the test's clock
        def call():  # off the event loop, as the real job runs it: the gateway keeps applying
            with session_scope() as session:
                return fn(
                    session=session, **kwargs, **({"now": clock()} if fn is sweep_presence else {})
                )

        return await asyncio.to_thread(call)

    monkeypatch.setattr(jobs, "run_in_session", run_in_session)

    def online() -> list[bool]:
        with session_scope() as session:
            return [session.get(Cabinet, i).is_online for i in simulated + unconnected]

    stop = asyncio.Event()
    async with embedded_broker() as (port, config), running_gateway(config, clock=clock):
        # make run's cabinets heartbeat every 30 s: every 5 s here, 30 s on the test's clock
        options = FleetOptions(
            broker=("127.0.0.1", port),
            outbox_dir=tmp_path,
            visits_per_min=0,
            heartbeat_s=HEARTBEAT_S / SPEED,
        )
        fleet = asyncio.create_task(run_fleet(specs, options, stop))
        await until(lambda: online()[:3] == [True] * 3, 20)
        for _ in range(10):  # 150 s on the test's clock, a sweep every 15 s
            await jobs.sweep_cabinet_presence({})
            assert online() == [True] * 3 + [False] * len(unconnected)
            await asyncio.sleep(15 / SPEED)
        stop.set()  # a clean disconnect: no last will; the sweep must notice the silence
        await fleet
        swept_at = time.monotonic()
        while online()[:3] != [False] * 3:
            await jobs.sweep_cabinet_presence({})
            assert time.monotonic() - swept_at < 60, "the silent cabinets stayed online"
            await asyncio.sleep(0.5)
    with session_scope() as session:
        alerts = session.exec(
            select(Alert).where(
                Alert.cabinet_id.in_(simulated + unconnected),
                Alert.kind == "cabinet_offline",
                Alert.status != AlertStatus.resolved.value,
            )
        ).all()
        never = [session.get(Cabinet, i).last_heartbeat_at for i in unconnected]
    assert sorted(a.cabinet_id for a in alerts) == sorted(simulated)  # one each, none for the rest
    assert never == [None] * len(unconnected)
