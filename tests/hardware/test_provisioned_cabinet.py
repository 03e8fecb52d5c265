"""A cabinet registered in the console and started from its provisioning bundle alone (as an
installer would load it): it comes online through the broker the bundle names, gets its slot
layout (`cmd.config`) and acknowledges it, gets the next one at a planogram change, and once
decommissioned the broker refuses its credentials. On Mosquitto and on the embedded broker."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiomqtt
import pytest
from sqlmodel import select

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceCommand, Slot
from app.cabinets.services import provisioning
from app.cabinets.services.console import plan_item
from app.cabinets.services.credentials import mqtt_password
from app.core.config import get_settings
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from hardware.simulator.fleet import spec_from_bundle
from hardware.simulator.run import FleetOptions, build_cabinet
from tests.factories import make_item, make_tenant
from tests.hardware.harness import embedded_broker, powered, running_gateway, until
from tests.hardware.own_broker import own_mosquitto

ADMIN = Actor(account_id=None, name="installer's admin")


@asynccontextmanager
async def broker(kind: str, directory: Path) -> AsyncIterator[tuple[tuple[str, int], object]]:
    """(address, the Mosquitto to re-grant after a change, or None) with a gateway on it."""
    if kind == "mosquitto":
        with own_mosquitto(directory / "mosquitto") as own:
            async with running_gateway(own.gateway_config("gw-a")) as (_gateway, jobs):
                yield own.address, own
                await jobs.drain(10)
        return
    async with embedded_broker() as (port, config), running_gateway(config) as (_gateway, jobs):
        yield ("127.0.0.1", port), None
        await jobs.drain(10)


def _register(address: tuple[str, int], monkeypatch) -> tuple[dict, int, int, str]:
    """A new tenant's cabinet registered as the console does, with an item planned in A1
    before the cabinet ever connects; its bundle names the test's broker."""
    settings = dataclasses.replace(
        get_settings(), cabinet_broker_url=f"mqtt://{address[0]}:{address[1]}"
    )
    monkeypatch.setattr(provisioning, "get_settings", lambda: settings)
    with session_scope() as session:
        tenant = make_tenant(session)
        tenant.code = f"T{uuid.uuid4().hex[:10]}"
        scope = TenantScope.single(tenant.id)
        made = provisioning.register_cabinet(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            code=f"CP{uuid.uuid4().hex[:10].upper()}",
            name="新柜",
            model="SC-24M",
            site_id=None,
            actor=ADMIN,
        )
        slots = {
            s.code: s.id
            for s in session.exec(select(Slot).where(Slot.cabinet_id == made.cabinet_id))
        }
        pen = make_item(session, tenant)
        plan_item(session=session, scope=scope, slot_id=slots["A1"], item_id=pen.id, actor=ADMIN)
        tape = make_item(session, tenant, "胶带")
        return made.bundle, made.cabinet_id, slots["B2"], (pen.sku, tape.id, tenant.id)


def _configs(cabinet_id: int) -> list[tuple[int, str]]:
    with session_scope() as session:
        rows = session.exec(
            select(DeviceCommand)
            .where(DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == "push_config")
            .order_by(DeviceCommand.id)
        )
        return [(c.payload["version"], c.status) for c in rows]


def _online(cabinet_id: int) -> bool:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id).is_online


@pytest.mark.parametrize("kind", ["embedded", "mosquitto"])
async def test_a_cabinet_started_from_its_bundle_comes_online_and_acks_its_layout(
    kind, tmp_path, monkeypatch
) -> None:
    async with broker(kind, tmp_path) as (address, own):
        bundle, cabinet_id, b2, (pen_sku, tape_id, tenant_id) = _register(address, monkeypatch)
        if own is not None:
            own.grant()  # Mosquitto's password file and ACL follow the database
        path = tmp_path / "bundle.json"
        path.write_text(json.dumps(bundle), encoding="utf-8")
        spec, bundle_broker = spec_from_bundle(path)
        assert bundle_broker == address
        options = FleetOptions(broker=bundle_broker, outbox_dir=tmp_path / "outbox")
        cabinet = build_cabinet(spec, options, seed=1)
        async with powered(cabinet):
            await until(cabinet.connected.is_set)
            await until(lambda: _online(cabinet_id))
            await until(lambda: _configs(cabinet_id) == [(1, "succeeded")])
            assert cabinet.layout["version"] == 1
            assert [
                (s["slot"], s["unit"], s["channel"], s["sku"]) for s in cabinet.layout["slots"]
            ] == [("A1", 1, 1, pen_sku)]
            with session_scope() as session:  # a planogram change reaches it at once
                plan_item(
                    session=session,
                    scope=TenantScope.single(tenant_id),
                    slot_id=b2,
                    item_id=tape_id,
                    actor=ADMIN,
                )
            await until(lambda: _configs(cabinet_id)[-1] == (2, "succeeded"))
            assert [s["slot"] for s in cabinet.layout["slots"]] == ["A1", "B2"]

            with session_scope() as session:
                provisioning.decommission(
                    session=session,
                    scope=TenantScope.single(tenant_id),
                    cabinet_id=cabinet_id,
                    actor=ADMIN,
                )
            if own is not None:
                own.grant()
        with pytest.raises(aiomqtt.MqttError):  # its credentials are revoked
            async with aiomqtt.Client(
                address[0],
                address[1],
                username=bundle["mqtt_username"],
                password=bundle["mqtt_password"],
                identifier=bundle["client_id"],
                protocol=aiomqtt.ProtocolVersion.V311,
            ):
                pass


async def test_the_simulator_keeps_the_newest_layout(tmp_path) -> None:
    """A layout with a lower version than the one it holds changes nothing (ack `failed`,
    `stale_config`); the newest survives a power-up (kept in the outbox file)."""
    spec, _ = spec_from_bundle(_bundle_file(tmp_path))
    options = FleetOptions(broker=("127.0.0.1", 1), outbox_dir=tmp_path / "outbox")
    cabinet = build_cabinet(spec, options, seed=1)
    layout = {"command": "c0ffee0001", "expires": 4102444800000, "slots": []}
    assert await cabinet._execute("cmd.config", layout | {"version": 5}) is None
    assert await cabinet._execute("cmd.config", layout | {"version": 4}) == "stale_config"
    cabinet.outbox.close()
    again = build_cabinet(spec, options, seed=1)
    assert again.layout["version"] == 5
    again.outbox.close()


def _bundle_file(directory: Path) -> Path:
    secret = bytes(range(32))
    bundle = {
        "format": provisioning.BUNDLE_FORMAT,
        "broker_url": "mqtt://127.0.0.1:1",
        "tenant": "T1",
        "cabinet": "CAB-1",
        "client_id": "CAB-1",
        "mqtt_username": "cab-1",
        "mqtt_password": mqtt_password(secret),
        "secret_hex": secret.hex(),
    }
    path = directory / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path
