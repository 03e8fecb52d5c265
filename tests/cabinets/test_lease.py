"""The offline authorization lease: built from the tenant's active people (cards that fit the
protocol, argon2id PIN hashes), valid for the tenant's lease_days, checked against the protocol's
schema when issued — and a simulated cabinet cut off from the cloud opens for a leased card only,
and only until the lease expires."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.audit.services.records import Actor
from app.auth.services.passwords import hash_secret
from app.cabinets.services.commands import issue_command, prepare_sends
from app.cabinets.services.credentials import provision
from app.cabinets.services.lease import lease_arguments, sync_lease
from app.core.errors import DomainError
from app.core.tenancy import TenantScope
from app.org.models import User
from hardware.simulator.cabinet import CabinetIdentity
from hardware.simulator.employees import badge
from tests.factories import make_cabinet, make_tenant
from tests.hardware.harness import simulated

SYSTEM = Actor(account_id=None, name="test")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def _people(session: Session, tenant_id: int) -> None:
    session.add_all(
        [
            User(
                tenant_id=tenant_id,
                name="甲",
                badge_card_no="A1B2C3D4",
                pin_hash=hash_secret("2468"),
            ),
            User(tenant_id=tenant_id, name="乙", badge_card_no="0012345678"),
            User(tenant_id=tenant_id, name="丙", badge_card_no="OLD-CARD-1"),  # not readable
            User(tenant_id=tenant_id, name="丁", badge_card_no="99990000", is_active=False),
        ]
    )
    session.flush()


def test_the_lease_holds_active_people_only(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    cabinet.lease_days = 3
    _people(session, tenant.id)
    args = lease_arguments(session, cabinet, NOW)
    assert [c["card"] for c in args["cards"]] == ["A1B2C3D4", "0012345678"]
    assert len(args["pins"]) == 1 and args["pins"][0]["hash"].startswith("$argon2id$")
    assert args["valid_until"] == int((NOW + timedelta(days=3)).timestamp() * 1000)
    command = sync_lease(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cabinet.id,
        actor=SYSTEM,
        now=NOW,
    )
    assert command.kind == "sync_lease" and command.payload == args


def test_commands_with_arguments_the_protocol_refuses_are_refused_at_once(session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    with pytest.raises(DomainError) as refused:
        issue_command(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cabinet.id,
            kind="tare",
            args={"slot": "a-1"},
            actor=SYSTEM,
        )
    assert refused.value.key == "cabinet.bad_command_arguments"
    assert "slot" in refused.value.params["problem"]


@pytest.mark.dialects("sqlite")
async def test_a_cabinet_offline_opens_for_leased_cards_until_the_lease_ends(
    session: Session, tmp_path
) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    creds = provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=cabinet.id, actor=SYSTEM
    )
    _people(session, tenant.id)
    now = datetime.now(UTC)
    sync_lease(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cabinet.id,
        actor=SYSTEM,
        now=now,
    )
    (outgoing,) = prepare_sends(session=session, now=now)
    identity = CabinetIdentity(
        tenant.code, cabinet.code, cabinet.mqtt_username, bytes.fromhex(creds.secret_hex)
    )
    device = simulated(identity, ("127.0.0.1", 1), tmp_path)  # never connects: offline
    await device.on_command(outgoing.topic, json.dumps(outgoing.message).encode())
    assert device.outbox.setting("lease")["cards"][0]["card"] == "A1B2C3D4"

    door = await badge(device, "A1B2C3D4", wait_s=0.05)
    assert door is not None and door["by"] == {"method": "lease_card", "ref": "A1B2C3D4"}
    assert await badge(device, "99990000", wait_s=0.05) is None  # disabled person
    device._clock = lambda: int((now + timedelta(days=8)).timestamp() * 1000)  # a week later
    assert await badge(device, "A1B2C3D4", wait_s=0.05) is None  # the lease has run out
    assert [e.type for e in device.outbox.oldest(10)].count("auth.card") == 3  # all reported
    device.outbox.close()
