"""Protocol v1.1 `auth.result` (docs/protocol.md § 6): a badge or PIN at a v1.1 cabinet is
answered granted or refused, with the reason and a line in the tenant's language for its screen;
a phone QR is answered when granted; a v1 cabinet and a badge replayed from the outbox are not."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.auth.services.passwords import hash_secret
from app.cabinets.models import DeviceCommand
from app.cabinets.services.cabinets import apply_device_message
from app.cabinets.services.credentials import provision
from app.core.tenancy import TenantScope
from app.org.models import User
from app.withdrawals.models import AuthMethod
from app.withdrawals.services.opening import open_checked
from hardware.protocol.messages import build
from tests.factories import make_cabinet, make_tenant
from tests.hardware.test_ingest import Pipe

CARD = "C0012345"
ADMIN = Actor(account_id=None, name="admin")


@pytest.fixture
def cabinet(session: Session):
    tenant = make_tenant(session)
    tenant.settings = {"locale": "en"}
    cabinet = make_cabinet(session, tenant)
    cabinet.is_online, cabinet.protocol = True, "1.1"
    creds = provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=cabinet.id, actor=ADMIN
    )
    person = User(tenant_id=tenant.id, name="Wang Fang", badge_card_no=CARD)
    person.pin_hash = hash_secret("482915")
    session.add(person)
    session.flush()
    return tenant, cabinet, bytes.fromhex(creds.secret_hex), person


def _at_cabinet(session, cabinet_fixture, kind: str, body: dict, late_ms: int = 0):
    """The message sent by the cabinet and applied as the job would; the auth.result queued."""
    tenant, cabinet, secret, _ = cabinet_fixture
    now = time.time_ns() // 1_000_000
    topic, message = build(
        secret=secret,
        tenant=tenant.code,
        cabinet=cabinet.code,
        boot="boot0001",
        seq=0,
        message_type=kind,
        body=body | {"at": now - late_ms},
        ts=now,
    )
    stored = Pipe(session).send(topic, message)
    assert stored.status == "accepted"
    apply_device_message(session=session, message_row_id=stored.message_row_id)
    results = _results(session, cabinet.id)
    return message["id"], results[-1] if results else None


def _results(session, cabinet_id: int) -> list[DeviceCommand]:
    return session.exec(
        select(DeviceCommand)
        .where(DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.kind == "auth_result")
        .order_by(DeviceCommand.id)
    ).all()


def test_an_unknown_badge_is_refused_on_the_cabinets_screen(session, cabinet) -> None:
    message_id, told = _at_cabinet(session, cabinet, "auth.card", {"card": "NOBODY01"})
    assert told.payload == {
        "method": "card",
        "lang": "en",
        "ref": message_id,
        "result": "refused",
        "code": "unknown_card",
        "text": "Card not registered: access denied",
    }


def test_a_known_badge_is_greeted_with_its_session(session, cabinet) -> None:
    _, told = _at_cabinet(session, cabinet, "auth.card", {"card": CARD})
    unlock = session.exec(select(DeviceCommand).where(DeviceCommand.kind == "unlock")).one()
    assert told.payload["result"] == "granted" and "Wang Fang" in told.payload["text"]
    assert told.payload["session"] == unlock.payload["session"]


def test_a_wrong_pin_and_a_pin_alone_are_told_apart(session, cabinet) -> None:
    _, wrong = _at_cabinet(session, cabinet, "auth.pin", {"pin": "000000", "card": CARD})
    _, alone = _at_cabinet(session, cabinet, "auth.pin", {"pin": "482915"})
    assert (wrong.payload["code"], alone.payload["code"]) == ("wrong_pin", "pin_needs_card")
    assert wrong.payload["text"] == "Wrong PIN"


def test_the_tenants_language_is_chinese_unless_set(session, cabinet) -> None:
    tenant = cabinet[0]
    tenant.settings = None
    _, told = _at_cabinet(session, cabinet, "auth.card", {"card": "NOBODY01"})
    assert (told.payload["lang"], told.payload["text"]) == ("zh-CN", "卡片未登记，无法开门")


def test_a_badge_replayed_from_the_outbox_and_a_v1_cabinet_are_not_told(session, cabinet) -> None:
    _tenant, cab, _secret, _person = cabinet
    _, told = _at_cabinet(session, cabinet, "auth.card", {"card": CARD}, late_ms=60_000)
    assert told is None
    cab.protocol = "1"
    _, told = _at_cabinet(session, cabinet, "auth.card", {"card": "NOBODY01"})
    assert told is None


def test_a_phone_qr_granted_is_told_to_the_cabinet(session, cabinet) -> None:
    _tenant, cab, _secret, person = cabinet
    door = open_checked(
        session, cab, person, method=AuthMethod.qr, ref="u-1", actor=ADMIN, refusals="door"
    )
    (told,) = _results(session, cab.id)
    assert told.payload["method"] == "qr" and told.payload["session"] == f"ds{door.id}"
    assert "ref" not in told.payload
