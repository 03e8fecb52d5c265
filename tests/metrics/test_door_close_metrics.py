"""The door-close-to-commit time of a real visit: a simulated cabinet on the embedded broker,
the gateway, the jobs; observed once when its withdrawal commits."""

from __future__ import annotations

from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.fleet import UNIT_G
from tests.hardware.harness import (
    embedded_broker,
    powered,
    provisioned,
    running_gateway,
    simulated,
    until,
)
from tests.metrics.conftest import sample
from tests.withdrawals.test_door_sessions import CARD, _cabinet, _door_status, _stocked_cabinet

CLOSES = "cabinet_door_close_to_commit_seconds_count"


async def test_a_committed_visit_is_observed_once(tmp_path) -> None:
    identity, cabinet_id = provisioned()
    _stocked_cabinet(cabinet_id)
    before = sample(CLOSES)
    async with embedded_broker() as (port, config), running_gateway(config) as (_gw, jobs):
        cabinet = simulated(identity, ("127.0.0.1", port), tmp_path, heartbeat_s=1)
        async with powered(cabinet):
            await until(lambda: _cabinet(cabinet_id).is_online)
            door = await badge(cabinet, CARD, wait_s=15)
            assert door is not None
            assert sample(CLOSES) == before  # opened, nothing committed yet
            await open_take_close(cabinet, door, {"A1": 2}, unit_g=UNIT_G)
            await until(lambda: _door_status(cabinet_id) == "committed")
            await jobs.drain(10)
    assert sample(CLOSES) == before + 1
    assert sample("cabinet_door_close_to_commit_seconds_sum") >= 0
