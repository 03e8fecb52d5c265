"""`make run` takes cabinet traffic: a provisioned cabinet signs in to the embedded broker with
its own credentials, its heartbeat reaches the database through the gateway and the job, and
its `offline` state takes it offline."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import aiomqtt
from sqlalchemy import select
from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services.credentials import provision
from app.core.db import make_engine
from app.core.tenancy import TenantScope
from app.tenants.models import Tenant
from hardware.protocol.messages import build
from tests.browser.conftest import RunningApp
from tests.browser.powered import is_online, until


def _provision_a_demo_cabinet(app: RunningApp):
    engine = make_engine(f"sqlite:///{app.data_dir / 'cabinet.db'}")
    with Session(engine) as session:
        cabinet = session.exec(select(Cabinet).order_by(Cabinet.id)).scalars().first()
        tenant = session.get(Tenant, cabinet.tenant_id)
        creds = provision(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cabinet.id,
            actor=Actor(account_id=None, name="test"),
            secret_key=(app.data_dir / "secret_key").read_text().strip(),  # the app's own key
        )
        session.commit()
        return engine, tenant.code, cabinet.code, cabinet.id, creds


def test_a_cabinet_heartbeat_reaches_the_database(running_app: RunningApp) -> None:
    engine, tenant, code, cabinet_id, creds = _provision_a_demo_cabinet(running_app)
    secret = bytes.fromhex(creds.secret_hex)
    topic, message = build(
        secret=secret,
        tenant=tenant,
        cabinet=code,
        boot="bootlive",
        seq=0,
        message_type="heartbeat",
        body={"uptime_s": 10, "door": "closed", "outbox": 0},
    )

    def send(topic: str, payload: bytes) -> None:
        async def publish() -> None:
            async with aiomqtt.Client(
                "127.0.0.1",
                running_app.mqtt_port,
                username=creds.mqtt_username,
                password=creds.mqtt_password,
                protocol=aiomqtt.ProtocolVersion.V311,
                identifier=code,
            ) as client:
                await client.publish(topic, payload, qos=1)

        # Playwright keeps an event loop running in this thread: publish from another one
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, publish()).result(timeout=30)

    def heard(row_id: str) -> Cabinet | None:
        with Session(engine) as session:
            row = session.exec(
                select(DeviceMessage).where(DeviceMessage.message_id == row_id)
            ).scalar_one_or_none()
            cabinet = session.get(Cabinet, cabinet_id)
            return cabinet if row is not None and row.status == "processed" else None

    try:
        send(topic, json.dumps(message).encode())
        until(lambda: heard(message["id"]), 20, "the heartbeat never reached the database")
        cabinet = heard(message["id"])
        assert cabinet.is_online and cabinet.door_state == "closed"
        # gone again, as its last will says: then the presence sweep (in-process under `make
        # run`) has nothing of tenant A to change while the all-handlers test compares its rows
        send(f"cc/v1/{tenant}/{code}/state", b'{"state":"offline"}')
        until(lambda: not is_online(running_app, cabinet_id), 20, "it stayed online")
    finally:
        engine.dispose()
