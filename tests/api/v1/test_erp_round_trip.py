"""The ERP round trip of issue 20 on the embedded defaults: an ERP pushes an item through
`/api/v1` served on a real port and the console's item list shows it; a visit at a simulated
demo cabinet (over the embedded MQTT broker, the real gateway and jobs) commits a withdrawal,
which reaches the ERP's webhook receiver signed, and the API's withdrawal list, with one id."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import httpx
from sqlmodel import select

import app.jobs  # noqa: F401 - every job registered
from app.apikeys.service import create_key
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from app.demo.services.demo import seed_demo
from app.items.services.console import list_items
from app.webhooks.services import delivery as sender
from app.withdrawals.models import SESSION_PREFIX, DoorSession, Withdrawal
from hardware.simulator.employees import badge, open_take_close
from hardware.simulator.fleet import fleet_from_database
from hardware.simulator.run import FleetOptions, build_cabinet
from tests.hardware.conftest import _settings_database  # noqa: F401 - the app's own database
from tests.hardware.harness import embedded_broker, until
from tests.webhooks.test_delivery import _verifier
from tests.webhooks.world import receiver, subscribe
from tests.withdrawals.test_camera_flow import (
    CABINET,
    _easiest_slot,
    gateway_with_jobs,
    serving_api,
)

ERP = Actor(account_id=None, name="ERP 对接")


def _door(ref: str) -> DoorSession | None:
    with session_scope() as session:
        door = session.get(DoorSession, int(ref.removeprefix(SESSION_PREFIX)))
        if door is not None:
            session.expunge(door)
        return door


def _world(hook_url: str):
    """The demo (once per database), one of its cabinets, an API key and a webhook
    subscription of that cabinet's tenant."""
    with session_scope() as session:
        seed_demo(session=session)  # once per database: the demo world of `make run`
    with session_scope() as session:
        (spec,) = fleet_from_database(session, 1, codes=[CABINET])
        tenant_id = session.exec(select(Cabinet.tenant_id).where(Cabinet.code == CABINET)).one()
        scope = TenantScope.single(tenant_id)
        _, key = create_key(
            session=session, scope=scope, tenant_id=tenant_id, name="ERP",
            scopes=["items:read", "items:write", "withdrawals:read"], expires_at=None, actor=ERP,
        )  # fmt: skip
        _, secret = subscribe(session, tenant_id, hook_url, ["withdrawal.committed"])
    return spec, tenant_id, key, secret


async def test_items_come_in_and_a_committed_withdrawal_goes_out(tmp_path) -> None:
    verify = _verifier()
    with receiver(200) as hook:
        spec, tenant_id, key, secret = _world(hook.url)
        slot = _easiest_slot(spec)  # the cabinet's camera sees it too (issue 17)
        stop = asyncio.Event()
        async with (
            serving_api() as api_url,
            httpx.AsyncClient(
                base_url=f"{api_url}/api/v1", headers={"Authorization": f"Bearer {key}"}
            ) as erp,
            embedded_broker() as (port, config),
            gateway_with_jobs(config),
        ):
            pushed = await erp.put(
                "/items/ERP-PEN-0001",
                json={"name": "ERP 推送的中性笔", "unit_weight_g": 11.5, "unit_cost_cents": 320,
                      "type": "书写工具", "tags": ["ERP"]},
                headers={"Idempotency-Key": "erp-item-1"},
            )  # fmt: skip
            assert pushed.status_code in (200, 201), pushed.text
            options = FleetOptions(
                broker=("127.0.0.1", port),
                outbox_dir=tmp_path,
                visits_per_min=0,
                heartbeat_s=1,
                api_url=api_url,
            )
            cabinet = build_cabinet(spec, options, seed=5)
            running = asyncio.create_task(cabinet.run(stop))
            door = await badge(cabinet, spec.cards[0])
            assert door is not None
            await open_take_close(cabinet, door, {slot: 1}, unit_g=spec.unit_g)
            await until(lambda: (_door(door["session"]) or DoorSession()).status == "committed", 60)
            stop.set()
            await running
            totals = await sender.deliver_due(pool=sender.Pool(), budget_s=10)
            events = [json.loads(r.body) for r in hook.received]
            committed = [e for e in events if e["type"] == "withdrawal.committed"]
            assert len(committed) == 1, events
            since = datetime.fromisoformat(committed[0]["created_at"]) - timedelta(minutes=1)
            listed = (
                await erp.get("/withdrawals", params={"since": since.isoformat(), "limit": 200})
            ).json()["data"]

    with session_scope() as session:
        console = list_items(session=session, scope=TenantScope.single(tenant_id), search="ERP")
        withdrawal = session.exec(
            select(Withdrawal).where(Withdrawal.door_session_id == _door(door["session"]).id)
        ).one()
    assert [r.sku for r in console.rows] == ["ERP-PEN-0001"]  # the console shows what came in
    assert console.rows[0].name == "ERP 推送的中性笔"

    assert totals["delivered"] >= 1
    assert all(verify(secret, r.headers, r.body) for r in hook.received)
    hooked_id = committed[0]["data"]["withdrawal_id"]
    assert hooked_id == withdrawal.id
    (same,) = [w for w in listed if w["id"] == hooked_id]  # the same id through the API
    assert [(line["sku"], line["quantity"]) for line in same["lines"]] == [
        (line["sku"], line["quantity"]) for line in committed[0]["data"]["lines"]
    ]
