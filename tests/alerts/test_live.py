"""Alerts reach the consoles allowed to see them, once per burst: the process's fan-out on the
bus, fed by alerts that services raise, acknowledge and resolve in their units of work."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, select

from app.alerts.models import Alert
from app.alerts.service import acknowledge, alert_centre, raise_once, resolve
from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.bus import get_bus, tenant_channel
from app.core.db import run_in_session
from app.core.fanout import TenantFanout
from app.core.tenancy import TenantScope
from tests.factories import make_tenant


def _fanout(connected: set[str], pokes: list[str]) -> TenantFanout:
    async def poke(token: str) -> None:
        if token == "broken":
            raise ConnectionError("socket gone mid-send")
        pokes.append(token)

    async def is_connected(token: str) -> bool:
        return token in connected

    return TenantFanout(("tenant:*:alert",), poke, is_connected, coalesce_s=0.05)


async def test_each_console_in_scope_is_poked_once_per_burst() -> None:
    pokes: list[str] = []
    fanout = _fanout({"a-admin", "b-admin", "platform", "broken"}, pokes)
    fanout.follow("a-admin", TenantScope.single(1))
    fanout.follow("b-admin", TenantScope.single(2))
    fanout.follow("platform", TenantScope.platform())
    fanout.follow("broken", TenantScope.single(1))
    fanout.follow("closed-tab", TenantScope.single(1))
    for _ in range(5):  # one withdrawal, several alerts of tenant 1
        fanout.heard(tenant_channel(1, "alert"))
    fanout.heard("tenant:1:door")  # not an alert channel
    await asyncio.sleep(0.2)
    assert sorted(pokes) == ["a-admin", "platform"]  # not tenant 2's, not twice
    assert fanout.followers == 4  # the closed tab is forgotten, the broken one kept
    pokes.clear()
    fanout.heard(tenant_channel(2, "alert"))
    fanout.heard(tenant_channel(1, "alert"))
    await asyncio.sleep(0.2)
    assert sorted(pokes) == ["a-admin", "b-admin", "platform"]


async def test_a_tab_that_went_away_is_pruned_without_any_alert() -> None:
    connected = {"open"}
    fanout = _fanout(connected, [])
    fanout.follow("open", TenantScope.single(1))
    fanout.follow("gone", TenantScope.single(1))
    await fanout.prune()
    assert fanout.followers == 1


async def test_alerts_raised_in_a_unit_of_work_reach_the_consoles(engine) -> None:
    with Session(engine) as setup:
        tenant_id = make_tenant(setup).id
        setup.commit()
    bus, pokes = get_bus(), []  # the one run_in_session publishes on
    fanout = _fanout({"admin"}, pokes)
    fanout.follow("admin", TenantScope.single(tenant_id))
    ready = asyncio.Event()
    following = asyncio.create_task(fanout.run(bus, ready))
    await asyncio.wait_for(ready.wait(), 5)
    heard: list[dict] = []
    async with bus.subscribe(tenant_channel(tenant_id, "alert")) as events:

        async def listen() -> None:
            async for event in events:
                heard.append(event.data)

        listening = asyncio.create_task(listen())
        try:
            alert = await run_in_session(
                raise_once,
                in_engine=engine,
                tenant_id=tenant_id,
                kind="low_stock",
                root_key="low_stock:slot:1:item:1",
                message_key="alert.low_stock",
                params={"cabinet": "柜", "slot": "A1", "item": "笔", "quantity": 2, "min": 5},
            )
            await asyncio.sleep(0.2)
            assert pokes == ["admin"]
            admin = Actor(account_id=None, name="admin")
            scope = TenantScope.single(tenant_id)
            await run_in_session(
                acknowledge, in_engine=engine, scope=scope, alert_id=alert.id, actor=admin
            )
            await run_in_session(
                resolve, in_engine=engine, tenant_id=tenant_id, root_key="low_stock:slot:1:item:1"
            )
            await asyncio.sleep(0.2)
        finally:
            listening.cancel()
            following.cancel()
    assert [e["change"] for e in heard] == ["raised", "acknowledged", "resolved"]
    assert pokes == ["admin", "admin"]  # acknowledged and resolved came in one burst
    with Session(engine) as session:
        assert session.get(Alert, alert.id).status == "resolved"
        assert session.exec(
            select(AuditLog).where(AuditLog.entity == "alert", AuditLog.entity_id == str(alert.id))
        ).one()
        centre = alert_centre(session=session, scope=TenantScope.single(tenant_id))
        assert (centre.unresolved, centre.newest) == (0, [])


async def test_prepare_runs_once_per_burst_for_the_followed_tenants_only() -> None:
    prepared: list[set[int]] = []

    async def prepare(tenants: set[int]) -> None:
        prepared.append(set(tenants))

    async def poke(token: str) -> None:
        pass

    async def connected(token: str) -> bool:
        return True

    fanout = TenantFanout(("tenant:*:door",), poke, connected, prepare=prepare, coalesce_s=0.05)
    fanout.follow("wall", TenantScope.single(1))
    for tenant in (1, 1, 2, 3):
        fanout.heard(tenant_channel(tenant, "door"))
    await asyncio.sleep(0.2)
    fanout.heard(tenant_channel(2, "door"))
    await asyncio.sleep(0.2)
    assert prepared == [{1}]  # tenants 2 and 3 have no screen here: nothing is read for them


async def test_events_heard_while_a_burst_is_delivered_get_their_own_round() -> None:
    pokes: list[str] = []
    delivering = asyncio.Event()

    async def slow_poke(token: str) -> None:
        pokes.append(token)
        delivering.set()
        await asyncio.sleep(0.1)  # two hundred screens take a while

    async def connected(token: str) -> bool:
        return True

    fanout = TenantFanout(("tenant:*:alert",), slow_poke, connected, coalesce_s=0.02)
    fanout.follow("admin", TenantScope.single(1))
    fanout.heard(tenant_channel(1, "alert"))
    await asyncio.wait_for(delivering.wait(), 2)
    fanout.heard(tenant_channel(1, "alert"))  # while the first round is still being delivered
    await asyncio.sleep(0.4)
    assert pokes == ["admin", "admin"]
