"""Protocol v1.1 answers (docs/protocol.md § 8): a cabinet whose boot declared 1.1 is told of
every message by id — accepted, duplicate, refused with the code — with the cloud's clock, in a
message it can verify; a v1 cabinet is told nothing; every refusal is counted on its cabinet."""

from __future__ import annotations

import json

from sqlmodel import select

from app.cabinets.models import CabinetRefusal
from app.cabinets.queries.refusals import refusals_of
from app.core.tenancy import TenantScope
from hardware.protocol.messages import decode, verify
from tests.hardware.test_ingest import Pipe, _msg

T0 = 1_764_201_600_000
BOOT_V1_1 = {"fw": "3.0", "hw": "x", "outbox": 0, "clock_synced": True, "proto": "1.1"}


def _answer(result, secret: bytes) -> dict:
    """The reply as the cabinet reads it: it passes the protocol's checks and its signature."""
    assert result.reply is not None
    topic, payload = result.reply
    parsed, message = decode(topic, payload)
    verify(secret, parsed, message)
    assert parsed.channel == "cmd" and message["type"] == "msg.ack"
    return message["body"]


def test_a_v1_cabinet_is_never_answered(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    boot_v1 = {k: v for k, v in BOOT_V1_1.items() if k != "proto"}
    assert pipe.send(*_msg(tenant, cab, secret, 0, kind="boot", body=boot_v1, ts=T0)).reply is None
    topic, alarm = _msg(tenant, cab, secret, 0, ts=T0)
    assert pipe.send(topic, alarm).reply is None
    assert pipe.send(topic, alarm, now_ms=T0 + 400_000).reply is None  # refused, still silent
    session.refresh(cab)
    assert cab.protocol == "1"


def test_a_v1_1_cabinet_hears_accepted_duplicate_and_refused_with_the_clock(
    session, cabinet
) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    boot = pipe.send(*_msg(tenant, cab, secret, 0, kind="boot", body=BOOT_V1_1, ts=T0 - 1500))
    assert _answer(boot, secret) | {"ref": None, "nonce": None} == {
        "result": "accepted",
        "type": "boot",
        "server_ms": T0 - 1500,
        "skew_ms": 0,
        "ref": None,
        "nonce": None,
    }
    session.refresh(cab)
    assert cab.protocol == "1.1"
    topic, alarm = _msg(tenant, cab, secret, 0, ts=T0)
    heard = _answer(pipe.send(topic, alarm, now_ms=T0 + 2000), secret)
    assert (heard["ref"], heard["nonce"], heard["result"]) == (
        alarm["id"],
        alarm["nonce"],
        "accepted",
    )
    assert (heard["server_ms"], heard["skew_ms"]) == (T0 + 2000, -2000)
    _, again = _msg(tenant, cab, secret, 0, message_id=alarm["id"], ts=T0 + 3000)
    assert _answer(pipe.send(topic, again), secret)["result"] == "duplicate"
    # its clock 400 s slow: refused, and told by how much, so that it can re-sign and resend
    _, slow = _msg(tenant, cab, secret, 1, ts=T0 + 4000 - 400_000)
    told = _answer(pipe.send(topic, slow, now_ms=T0 + 4000), secret)
    assert (told["result"], told["code"], told["skew_ms"]) == (
        "refused",
        "stale_timestamp",
        -400_000,
    )
    assert told["ref"] == slow["id"]
    _, forged = _msg(tenant, cab, b"another-secret", 2, ts=T0 + 5000)
    assert _answer(pipe.send(topic, forged), secret)["code"] == "bad_signature"
    garbage = _answer(pipe.send(topic, b"{not json", now_ms=T0 + 6000), secret)
    assert (garbage["result"], garbage["code"], "ref" in garbage) == ("refused", "bad_json", False)


def test_heartbeats_are_answered_only_when_refused(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    pipe.send(*_msg(tenant, cab, secret, 0, kind="boot", body=BOOT_V1_1, ts=T0))
    assert pipe.send(*_msg(tenant, cab, secret, 0, kind="heartbeat", ts=T0 + 1000)).reply is None
    topic, late = _msg(tenant, cab, secret, 0, kind="heartbeat", ts=T0)
    refused = _answer(pipe.send(topic, late, now_ms=T0 + 301_000), secret)
    assert (refused["type"], refused["code"]) == ("heartbeat", "stale_timestamp")


def test_a_slow_boot_is_answered_though_the_cabinet_was_v1_until_now(session, cabinet) -> None:
    """A cabinet updated to v1.1 firmware whose clock is off: its first boot is refused, yet it is
    told (the boot says 1.1), and nothing is stored or remembered from the refused boot."""
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, boot = _msg(tenant, cab, secret, 0, kind="boot", body=BOOT_V1_1, ts=T0 - 400_000)
    told = _answer(pipe.send(topic, boot, now_ms=T0), secret)
    assert (told["code"], told["skew_ms"]) == ("stale_timestamp", -400_000)
    session.refresh(cab)
    assert cab.protocol == "1"


def test_refusals_are_counted_per_cabinet_and_reason_with_the_last_copy_pin_masked(
    session, cabinet
) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    pin = {"pin": "482915", "card": "0048291173", "at": T0}
    for n in range(3):
        topic, stale = _msg(tenant, cab, secret, n, kind="auth.pin", body=pin, ts=T0)
        pipe.send(topic, stale, now_ms=T0 + 400_000 + n)
    pipe.send(topic, b'{"type":"auth.pin","body":{"pin":"482915"', now_ms=T0)
    rows = {
        r.code: r
        for r in refusals_of(
            session=session, scope=TenantScope.single(tenant.id), cabinet_id=cab.id
        )
    }
    assert {code: r.count for code, r in rows.items()} == {"stale_timestamp": 3, "bad_json": 1}
    assert rows["stale_timestamp"].last_message_id == stale["id"]
    assert all("482915" not in (r.last_payload or "") for r in rows.values())
    assert json.loads(rows["stale_timestamp"].last_payload)["body"]["pin"] == "***"
    other = session.exec(select(CabinetRefusal).where(CabinetRefusal.cabinet_id != cab.id)).all()
    assert other == []


def test_a_message_refused_for_good_leaves_no_gap_in_its_sequence(session, cabinet) -> None:
    """Its seq was used by the cabinet, which will not send it again (DOC-FINDINGS F13); a copy
    refused for its time will come again and is no hole."""
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, first = _msg(tenant, cab, secret, 0, ts=T0)
    pipe.send(topic, first)
    _, bad = _msg(tenant, cab, secret, 1, ts=T0 + 1000)
    assert pipe.send(topic, {**bad, "body": {"kind": "gremlins"}}).code == "schema"
    _, slow = _msg(tenant, cab, secret, 2, ts=T0 + 2000 - 400_000)
    assert pipe.send(topic, slow, now_ms=T0 + 2000).code == "stale_timestamp"
    _, again = _msg(tenant, cab, secret, 2, message_id=slow["id"], ts=T0 + 2500)
    accepted = pipe.send(topic, again)  # re-signed: it came again, and 1 was no gap
    assert accepted.status == "accepted" and not accepted.gap
    assert not pipe.send(*_msg(tenant, cab, secret, 3, ts=T0 + 3000)).gap
    assert pipe.send(*_msg(tenant, cab, secret, 5, ts=T0 + 4000)).gap  # 4 never came
