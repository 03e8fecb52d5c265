"""The cabinet client written from docs/protocol.md alone (tests/field/docs_client.py) against the
real cloud: gateway, job hand-over and services, on the embedded broker and on a Mosquitto with
the production settings. The cloud side is set up with the project's own test harness; the
client is given only what a provisioning gives a vendor."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from app.alerts.models import Alert
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import mqtt_password
from app.core.db import session_scope
from app.core.model_base import as_utc
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.withdrawals.services import closing
from hardware.simulator.fleet import STOCK, UNIT_G
from tests.field.docs_client import FieldCabinet, Provisioning, signature
from tests.hardware.harness import broker_and_gateway, provisioned, until
from tests.withdrawals.test_door_sessions import CARD, _stocked_cabinet

BROKERS = ["embedded", "mosquitto"]
UNIT_MG = {slot: int(grams * 1000) for slot, grams in UNIT_G.items()}
DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
DOC_TEXT = DOC.read_text(encoding="utf-8")


def _provisioned() -> tuple[dict[str, Any], int, dict[str, int]]:
    """A stocked cabinet of a new tenant (slots A1-A3, one item each) and a person with a
    badge; what the vendor is given (no host yet), the cabinet id and the item of each slot."""
    identity, cabinet_id = provisioned()
    items = _stocked_cabinet(cabinet_id)
    given = {
        "tenant": identity.tenant,
        "cabinet": identity.code,
        "username": identity.mqtt_username,
        "password": mqtt_password(identity.secret),  # shown at provisioning: DOC-FINDINGS F1
        "secret": identity.secret,  # shown as 64 hex digits, the key is their bytes: F2
    }
    return given, cabinet_id, items


@asynccontextmanager
async def _cloud(broker: str, tmp_path: Path) -> AsyncIterator[tuple[Provisioning, int, dict]]:
    """The gateway on the broker, and what the vendor is given for a stocked cabinet."""
    given, cabinet_id, items = _provisioned()
    async with broker_and_gateway(broker, str(given["tenant"]), tmp_path) as (address, _gw):
        prov = Provisioning(host=address[0], port=address[1], **given)  # type: ignore[arg-type]
        yield prov, cabinet_id, items


@asynccontextmanager
async def _powered(cabinet: FieldCabinet) -> AsyncIterator[FieldCabinet]:
    """The client powered up until it has booted (its boot answered, or 10 s)."""
    stop = asyncio.Event()
    running = asyncio.create_task(cabinet.run(stop))
    try:
        await until(lambda: cabinet.ready.is_set() or running.done(), 20)
        if running.done():
            running.result()
        yield cabinet
    finally:
        stop.set()
        await running


def _client(prov: Provisioning, tmp_path: Path, **options: Any) -> FieldCabinet:
    loads = {slot: STOCK[slot] * UNIT_MG[slot] for slot in UNIT_MG}
    return FieldCabinet(prov, tmp_path / "outbox.sqlite", loads, **options)


@asynccontextmanager
async def _field_cabinet(
    broker: str, tmp_path: Path, **options: Any
) -> AsyncIterator[tuple[FieldCabinet, int, dict[str, int]]]:
    async with (
        _cloud(broker, tmp_path) as (prov, cabinet_id, items),
        _powered(_client(prov, tmp_path, **options)) as cabinet,
    ):
        yield cabinet, cabinet_id, items


def _doors(cabinet_id: int) -> list[DoorSession]:
    with session_scope() as session:
        query = select(DoorSession).where(DoorSession.cabinet_id == cabinet_id)
        return list(session.exec(query.order_by(DoorSession.id)))


def _lines(cabinet_id: int) -> dict[int, int] | None:
    with session_scope() as session:
        withdrawal = session.exec(
            select(Withdrawal).where(Withdrawal.cabinet_id == cabinet_id)
        ).first()
        if withdrawal is None:
            return None
        query = select(WithdrawalLine).where(WithdrawalLine.withdrawal_id == withdrawal.id)
        return {line.item_id: line.quantity for line in session.exec(query)}


def _answer(cabinet: FieldCabinet, msg_id: str) -> Callable[[], list[dict]]:
    return lambda: [a for a in cabinet.answers if a.get("ref") == msg_id]


def test_the_client_signs_every_example_of_the_document_alike() -> None:
    """§ 4 and § 5: the client's canonical JSON and HMAC reproduce every example signature."""
    text = DOC.read_text(encoding="utf-8")
    examples = re.findall(r"#### `([a-z.]+)`\n\nTopic `([^`]+)`\n\n```json\n(.*?)\n```", text, re.S)
    assert len(examples) == 18
    for kind, topic, raw in examples:
        env = json.loads(raw)
        assert env["type"] == kind
        assert signature(b"example-cabinet-secret-do-not-use", topic, env) == env["sig"], kind


def test_the_client_reads_the_document_s_example_bundle() -> None:
    """§ 11: the example bundle's password follows from its secret, as the client derives it."""
    found = re.search(
        r'```json\n(\{\n  "format": "cabinet-cloud/provisioning".*?)\n```', DOC_TEXT, re.S
    )
    assert found is not None
    bundle = json.loads(found.group(1))
    prov = Provisioning.from_bundle(bundle)
    assert (prov.host, prov.port, prov.cabinet, len(prov.secret)) == (
        "mqtt.example.com",
        8883,
        "CAB-SH-001",
        32,
    )
    with pytest.raises(ValueError, match="mqtt_password"):
        Provisioning.from_bundle(bundle | {"mqtt_password": bundle["mqtt_password"][::-1]})


@pytest.mark.parametrize("broker", BROKERS)
async def test_online_badge_take_close_commits_a_withdrawal(broker, tmp_path) -> None:
    async with _field_cabinet(broker, tmp_path, heartbeat_s=1) as (cabinet, cabinet_id, items):
        # 1. online: the boot declaring 1.1 is answered accepted; the retained state is online
        assert cabinet.boot_answer is not None and cabinet.boot_answer["result"] == "accepted"
        await until(lambda: _cabinet(cabinet_id).is_online)
        # 3. an unknown badge is refused with a line for the screen, and opens nothing
        cabinet.badge("NOBODY01")
        await until(lambda: len(cabinet.decided) == 1)
        (refusal,) = cabinet.decided
        assert (refusal["result"], refusal["code"]) == ("refused", "unknown_card")
        assert cabinet.screen == [refusal["text"]] and refusal["text"]
        assert cabinet.unlock is None
        # 2. the person's badge: granted on the screen, the door unlocks
        badge = cabinet.badge(CARD)
        await until(lambda: cabinet.unlock is not None and len(cabinet.decided) == 2)
        granted = cabinet.decided[1]
        assert (granted["result"], granted["ref"]) == ("granted", badge)
        assert granted["session"] == cabinet.unlock["session"]
        assert cabinet.screen[-1] == granted["text"]
        cabinet.open_door()
        cabinet.take("A1", 2 * UNIT_MG["A1"])
        closed = cabinet.close_door()
        await until(lambda: _lines(cabinet_id) is not None)
        assert _lines(cabinet_id) == {items["A1"]: 2}
        await until(lambda: not cabinet.outbox())  # every event and ack answered and removed
        assert any(a["result"] == "accepted" for a in _answer(cabinet, closed)())
        assert cabinet.refused() == []
        (door,) = _doors(cabinet_id)
        assert door.status == "committed"


def _cabinet(cabinet_id: int) -> Cabinet:
    with session_scope() as session:
        return session.get(Cabinet, cabinet_id)


@pytest.mark.parametrize("broker", BROKERS)
async def test_a_slow_clock_is_corrected_and_a_malformed_event_is_refused(broker, tmp_path) -> None:
    async with _field_cabinet(broker, tmp_path, answer_wait_s=2) as (cabinet, _cabinet_id, _):
        assert cabinet.boot_answer is not None and cabinet.boot_answer["result"] == "accepted"
        cabinet.offset_ms -= 400_000  # the clock jumps 400 s back
        alarm = cabinet.emit("alarm", {"kind": "clock_unsynced", "at": cabinet.now_ms()})
        await until(lambda: any(a["result"] == "accepted" for a in _answer(cabinet, alarm)()))
        first, *_, last = _answer(cabinet, alarm)()
        assert (first["result"], first["code"]) == ("refused", "stale_timestamp")
        assert first["skew_ms"] < -399_000 and abs(last["skew_ms"]) < 2000
        assert abs(cabinet.offset_ms) < 2000  # the clock follows the cloud's
        # § 4 canonical JSON with control characters, escapes, CJK and astral characters
        details = ["a\x01b\x1f\tc\n", 'a/b\\c"d', "门未关 é", "x\u2028y", "😀"]
        sent = [cabinet.emit("alarm", {"kind": "tamper", "at": cabinet.now_ms(), "detail": d})
                for d in details]  # fmt: skip
        for msg_id in sent:
            await until(lambda msg_id=msg_id: bool(_answer(cabinet, msg_id)()))
            assert [a["result"] for a in _answer(cabinet, msg_id)()] == ["accepted"]
        # a schema violation: refused `schema`, kept in the refused log, never sent again
        bad = cabinet.emit("alarm", {"kind": "gremlins", "at": cabinet.now_ms()})
        await until(lambda: bool(_answer(cabinet, bad)()))
        (refused,) = _answer(cabinet, bad)()
        assert (refused["result"], refused["code"]) == ("refused", "schema")
        assert cabinet.refused() == [(bad, "alarm", "schema")]
        await asyncio.sleep(3 * cabinet.answer_wait_s)  # past the resend wait: not resent
        assert [s for s in cabinet.sent if s[0] == bad].__len__() == 1
        assert cabinet.outbox() == []


@pytest.mark.parametrize("broker", BROKERS)
async def test_an_unlock_never_acknowledged_frees_the_cabinet(broker, tmp_path) -> None:
    """§ 6: no `done` for the cmd.unlock within 40 s of the session starting ends the session;
    the cloud's sweep is called with a later `now` instead of waiting."""
    async with _field_cabinet(broker, tmp_path, ack_unlocks=False) as (cabinet, cabinet_id, _):
        cabinet.badge(CARD)
        await until(lambda: cabinet.unlock is not None)
        (stuck,) = _doors(cabinet_id)
        assert stuck.status == "unlocking"
        with session_scope() as session:
            swept = closing.sweep(
                session=session, now=as_utc(stuck.created_at) + timedelta(seconds=41)
            )
        assert swept["unlocks"] >= 1  # the sweep covers every tenant of the shared database
        assert _doors(cabinet_id)[0].status == "expired"
        cabinet.ack_unlocks, cabinet.unlock = True, None  # mended; the next person badges
        badge = cabinet.badge(CARD)
        await until(lambda: cabinet.unlock is not None and cabinet.decided[-1]["ref"] == badge)
        assert cabinet.decided[-1]["result"] == "granted"
        first, second = _doors(cabinet_id)
        assert first.status == "expired" and second.status == "unlocking"
        assert first.identification == {"reason": "unlock_failed", "unlock": "sent"}


def _alerts(cabinet_id: int) -> list[str]:
    with session_scope() as session:
        query = select(Alert.kind).where(Alert.cabinet_id == cabinet_id)
        return list(session.exec(query.order_by(Alert.id)))


@pytest.mark.parametrize("broker", BROKERS)
async def test_the_outbox_survives_a_power_cycle(broker, tmp_path) -> None:
    """§ 8: an event buffered while the cabinet was off goes after the next boot, with the boot
    and seq it was made with, and is answered; a badge sent late is not decided (§ 6)."""
    async with _cloud(broker, tmp_path) as (prov, cabinet_id, _items):
        first = _client(prov, tmp_path)
        async with _powered(first):
            assert first.boot_answer is not None and first.boot_answer["result"] == "accepted"
        forced = first.emit("alarm", {"kind": "door_forced", "at": first.now_ms()})  # offline
        late = first.emit("auth.card", {"card": CARD, "at": first.now_ms() - 60_000})  # history
        again = _client(prov, tmp_path)  # powered up again on the same outbox file
        assert again.boot_id != first.boot_id and [r[0] for r in again.outbox()] == [forced, late]
        async with _powered(again):
            await until(lambda: not again.outbox())
            assert again.sent[0][1] == "boot"  # the boot went before the replay
            assert [a["result"] for a in again.answers[1:]] == ["accepted", "accepted"]
            await asyncio.sleep(1)
            assert again.decided == [] and again.unlock is None
        assert "alarm_door_forced" in _alerts(cabinet_id) and "seq_gap" not in _alerts(cabinet_id)
        assert _doors(cabinet_id) == []


async def test_a_refused_message_raises_no_seq_gap_alert(tmp_path) -> None:
    async with _field_cabinet("embedded", tmp_path) as (cabinet, cabinet_id, _):
        bad = cabinet.emit("alarm", {"kind": "gremlins", "at": cabinet.now_ms()})
        await until(lambda: bool(cabinet.refused()))
        good = cabinet.emit("alarm", {"kind": "tamper", "at": cabinet.now_ms()})
        await until(lambda: bool(_answer(cabinet, good)()))
        assert cabinet.refused()[0][0] == bad
        assert "seq_gap" not in _alerts(cabinet_id)


async def test_an_unlock_done_but_never_opened_frees_the_cabinet(tmp_path) -> None:
    """The lock opened (`done`) and the person walked away (DOC-FINDINGS F14, fixed: § 6)."""
    async with _field_cabinet("embedded", tmp_path) as (cabinet, cabinet_id, _):
        cabinet.badge(CARD)
        await until(lambda: cabinet.unlock is not None and len(cabinet.decided) == 1)
        await until(lambda: not cabinet.outbox())  # its `done` is answered
        (door,) = _doors(cabinet_id)
        with session_scope() as session:  # past every timer of § 6 (the longest is 30 min)
            closing.sweep(session=session, now=as_utc(door.created_at) + timedelta(hours=1))
        cabinet.unlock = None  # relocked at `expires`; the next person badges
        cabinet.badge(CARD)
        await until(lambda: len(cabinet.decided) == 2)
        assert cabinet.decided[-1]["result"] == "granted", cabinet.decided[-1]


async def test_a_badge_from_a_clock_25_s_slow_is_answered(tmp_path) -> None:
    """Inside the ±300 s window, sent at once (DOC-FINDINGS F12, fixed: § 6): the badge reached
    the cloud 25 s after it happened by the cloud's clock, so it is answered `badge_too_late`
    (not left in silence); the answer's skew set the clock, and the next badge opens."""
    async with _field_cabinet("embedded", tmp_path) as (cabinet, _cabinet_id, _):
        cabinet.offset_ms = -25_000
        badge = cabinet.badge(CARD)
        await until(lambda: len(cabinet.decided) == 1)
        first = cabinet.decided[0]
        assert (first["ref"], first["result"], first["code"]) == (
            badge,
            "refused",
            "badge_too_late",
        )
        assert abs(cabinet.offset_ms) < 2_000  # corrected by the badge's own msg.ack
        again = cabinet.badge(CARD)
        await until(lambda: len(cabinet.decided) == 2)
        assert (cabinet.decided[1]["ref"], cabinet.decided[1]["result"]) == (again, "granted")


async def test_a_cabinet_powered_up_400_s_slow_gets_through(tmp_path) -> None:
    """§ 4 time sync on the very first boot: refused stale, answered, re-signed, accepted."""
    async with _field_cabinet("embedded", tmp_path, offset_ms=-400_000) as (cabinet, _, _items):
        refused, accepted = cabinet.answers
        assert (refused["result"], refused["code"], refused["type"]) == (
            "refused",
            "stale_timestamp",
            "boot",
        )
        assert accepted["result"] == "accepted" and accepted["ref"] == refused["ref"]
        assert cabinet.boot_answer == accepted and abs(cabinet.offset_ms) < 2000
