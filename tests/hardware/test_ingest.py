"""The gateway's per-message pipeline on a real database: accept once, refuse by reason, alert
on sequence gaps, never store a PIN, never raise on device garbage."""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services.credentials import provision, unseal
from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from app.core.tenancy import TenantScope
from hardware.gateway import BrokerConfig, Gateway
from hardware.ingest import ingest, ingest_batch
from hardware.protocol import messages
from hardware.protocol.examples import BODIES
from hardware.protocol.messages import NonceGuard, build
from tests.factories import make_cabinet, make_tenant

HEARTBEAT = {"uptime_s": 5, "door": "closed", "outbox": 0}
ALARM = {"kind": "tamper", "at": 1_764_201_600_000}


class Pipe:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.guard = NonceGuard()
        self.rejections: Counter[str] = Counter()

    def send(self, topic: str, message: dict | bytes, now_ms: int | None = None):
        payload = message if isinstance(message, bytes) else json.dumps(message).encode()
        now = (
            now_ms
            if now_ms is not None
            else (message["ts"] if isinstance(message, dict) else 1_764_201_600_000)
        )
        return ingest(
            session=self.session,
            topic=topic,
            payload=payload,
            guard=self.guard,
            now_ms=now,
            rejections=self.rejections,
        )


def _msg(tenant, cabinet, secret, seq, kind="alarm", body=None, boot="boot0001", **kw):
    return build(
        secret=secret,
        tenant=tenant.code,
        cabinet=cabinet.code,
        boot=boot,
        seq=seq,
        message_type=kind,
        body=body or (ALARM if kind == "alarm" else HEARTBEAT),
        **kw,
    )


def test_a_message_is_stored_once_and_a_resend_changes_nothing(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, first = _msg(tenant, cab, secret, 0)
    assert pipe.send(topic, first).status == "accepted"
    topic, resend = _msg(tenant, cab, secret, 0, message_id=first["id"], ts=first["ts"] + 1000)
    assert pipe.send(topic, resend).status == "duplicate"
    rows = session.exec(select(DeviceMessage).where(DeviceMessage.cabinet_id == cab.id)).all()
    assert len(rows) == 1 and rows[0].payload["body"] == ALARM and "sig" not in rows[0].payload


def test_every_misbehaviour_is_refused_and_counted_by_reason(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    topic, good = _msg(tenant, cab, secret, 0)
    _, forged = _msg(tenant, cab, b"not-the-cabinets-secret", 1)
    wrong_tenant = topic.replace(f"/{tenant.code}/", "/TN-OTHER/")
    cases = [
        (topic, b"{", "bad_json"),
        (topic, os.urandom(64), "bad_json"),
        (topic, {**good, "body": {"kind": "tamper"}}, "schema"),
        (topic, forged, "bad_signature"),
        (wrong_tenant, good, "wrong_topic"),
        (topic.replace(cab.code, "CAB-UNKNOWN"), {**good, "cab": "CAB-UNKNOWN"}, "unknown_cabinet"),
    ]
    for t, payload, code in cases:
        result = pipe.send(t, payload, now_ms=good["ts"])
        assert (result.status, result.code) == ("rejected", code), code
    assert pipe.send(topic, good, now_ms=good["ts"] + 301_000).code == "stale_timestamp"
    assert pipe.send(topic, good).status == "accepted"
    assert pipe.send(topic, good).code == "replayed_nonce"
    assert pipe.rejections == Counter(
        bad_json=2,
        schema=1,
        bad_signature=1,
        wrong_topic=1,
        unknown_cabinet=1,
        stale_timestamp=1,
        replayed_nonce=1,
    )
    assert session.exec(select(DeviceMessage)).all().__len__() == 1


def test_a_gap_in_the_sequence_raises_one_alert_per_root_cause(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    for seq in (0, 1, 2):
        assert not pipe.send(*_msg(tenant, cab, secret, seq)).gap
    assert not pipe.send(*_msg(tenant, cab, secret, 9, kind="heartbeat")).gap  # unsequenced
    assert pipe.send(*_msg(tenant, cab, secret, 5)).gap  # 3 and 4 missing
    assert not pipe.send(*_msg(tenant, cab, secret, 3)).gap  # late, out of order: fine
    assert pipe.send(*_msg(tenant, cab, secret, 8)).gap  # 6 and 7 missing
    alerts = session.exec(select(Alert).where(Alert.cabinet_id == cab.id)).all()
    assert len(alerts) == 1 and alerts[0].occurrences == 2 and alerts[0].kind == "seq_gap"
    assert not pipe.send(*_msg(tenant, cab, secret, 0, boot="boot0002")).gap  # a new boot


def test_a_pin_is_never_stored_in_clear(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    body = {"pin": "482915", "at": 1_764_201_600_000}
    assert pipe.send(*_msg(tenant, cab, secret, 0, kind="auth.pin", body=body)).status == (
        "accepted"
    )
    row = session.exec(select(DeviceMessage).where(DeviceMessage.type == "auth.pin")).one()
    assert "482915" not in json.dumps(row.payload)
    assert unseal(row.payload["body"]["pin"]) == "482915"  # for the job that checks it


def _payload(topic_message: tuple[str, dict]) -> tuple[str, bytes]:
    topic, message = topic_message
    return topic, json.dumps(message).encode()


def _batch(pipe: Pipe, messages: list[tuple[str, dict]], now_ms: int | None = None):
    return ingest_batch(
        session=pipe.session,
        messages=[_payload(m) for m in messages],
        guard=pipe.guard,
        now_ms=now_ms if now_ms is not None else messages[0][1]["ts"],
        rejections=pipe.rejections,
    )


def _resend(tenant, cab, secret, first: dict, **kw):
    """The cabinet's resend of a buffered message: same id and seq, new nonce and signature."""
    return _msg(tenant, cab, secret, first["seq"], boot=first["boot"], message_id=first["id"], **kw)


def test_a_batch_judges_each_message_as_one_by_one_would(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    good = _msg(tenant, cab, secret, 0)
    topic = good[0]
    forged = _msg(tenant, cab, b"not-the-cabinets-secret", 1)
    results = ingest_batch(
        session=session,
        messages=[
            (topic, b"{"),
            _payload(good),
            _payload(forged),
            _payload(good),  # the same copy again: a replay
            (
                topic.replace(cab.code, "CAB-UNKNOWN"),
                json.dumps({**forged[1], "cab": "CAB-UNKNOWN"}).encode(),
            ),
            _payload(_msg(tenant, cab, secret, 1, kind="heartbeat")),
        ],
        guard=pipe.guard,
        now_ms=good[1]["ts"],
        rejections=pipe.rejections,
    )
    assert [(r.status, r.code) for r in results] == [
        ("rejected", "bad_json"),
        ("accepted", None),
        ("rejected", "bad_signature"),
        ("rejected", "replayed_nonce"),
        ("rejected", "unknown_cabinet"),
        ("accepted", None),
    ]
    assert len(session.exec(select(DeviceMessage)).all()) == 2


def test_duplicates_within_one_batch_and_across_batches_are_stored_once(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    m0, m1 = _msg(tenant, cab, secret, 0), _msg(tenant, cab, secret, 1)
    first = _batch(pipe, [m0, m1, _resend(tenant, cab, secret, m0[1]), m1])
    assert [r.status for r in first] == ["accepted", "accepted", "duplicate", "rejected"]
    assert first[0].message_row_id != first[1].message_row_id
    m2 = _msg(tenant, cab, secret, 2)
    second = _batch(
        pipe, [_resend(tenant, cab, secret, m1[1]), m2, _resend(tenant, cab, secret, m2[1])]
    )
    assert [r.status for r in second] == ["duplicate", "accepted", "duplicate"]
    rows = session.exec(select(DeviceMessage).where(DeviceMessage.cabinet_id == cab.id)).all()
    assert sorted(r.seq for r in rows) == [0, 1, 2]
    assert not session.exec(select(Alert)).all()  # resends are not gaps


def test_gaps_inside_one_batch_raise_one_alert_per_root_cause(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    seqs = [(0, "alarm"), (1, "alarm"), (2, "alarm"), (9, "heartbeat"), (5, "alarm")]
    seqs += [(3, "alarm"), (8, "alarm"), (8, "alarm")]
    messages = [_msg(tenant, cab, secret, seq, kind=kind) for seq, kind in seqs]
    messages[-1] = _resend(tenant, cab, secret, messages[-2][1])  # a resend of 8: no new gap
    messages.append(_msg(tenant, cab, secret, 0, boot="boot0002"))  # a new boot
    messages.append(_msg(tenant, cab, secret, 2, boot="boot0002"))  # 1 missing in the new boot
    results = _batch(pipe, messages)
    assert [r.gap for r in results] == [False] * 4 + [True, False, True] + [False] * 2 + [True]
    assert [r.status for r in results].count("duplicate") == 1
    alerts = session.exec(select(Alert).where(Alert.cabinet_id == cab.id)).all()
    assert sorted((a.root_key.rsplit(":", 1)[1], a.occurrences) for a in alerts) == [
        ("boot0001", 2),
        ("boot0002", 1),
    ]
    session.refresh(cab)
    assert (cab.boot_id, cab.last_seq) == ("boot0002", 2)


def test_a_replayed_old_batch_changes_nothing(session, cabinet) -> None:
    tenant, cab, secret = cabinet
    pipe = Pipe(session)
    messages = [_msg(tenant, cab, secret, seq) for seq in range(5)]
    assert not any(r.gap for r in _batch(pipe, messages))
    resent = [_resend(tenant, cab, secret, m[1]) for m in reversed(messages)]
    assert {r.status for r in _batch(pipe, resent)} == {"duplicate"}
    assert not session.exec(select(Alert)).all()
    session.refresh(cab)
    assert cab.last_seq == 4


def test_a_re_provisioned_secret_counts_at_once(session, cabinet) -> None:
    tenant, cab, old_secret = cabinet
    pipe = Pipe(session)
    assert _batch(pipe, [_msg(tenant, cab, old_secret, 0)])[0].status == "accepted"
    creds = provision(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cab.id,
        actor=Actor(account_id=None, name="test"),
    )
    new_secret = bytes.fromhex(creds.secret_hex)
    results = _batch(pipe, [_msg(tenant, cab, new_secret, 1), _msg(tenant, cab, old_secret, 2)])
    assert [(r.status, r.code) for r in results] == [
        ("accepted", None),
        ("rejected", "bad_signature"),
    ]


def _committed_cabinet(engine):
    with Session(engine, expire_on_commit=False) as session:
        tenant = make_tenant(session)
        cab = make_cabinet(session, tenant)
        creds = provision(
            session=session,
            scope=TenantScope.single(tenant.id),
            cabinet_id=cab.id,
            actor=Actor(account_id=None, name="test"),
        )
        session.commit()
    return tenant, cab, bytes.fromhex(creds.secret_hex)


class _FailsFirstCommit:
    """A unit of work whose first commit fails (the database went away for a moment)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.failures = 1

    @contextmanager
    def __call__(self):
        with session_scope(self.engine) as session:
            yield session
            if self.failures:
                self.failures -= 1
                raise OperationalError("COMMIT", {}, Exception("connection lost"))


async def test_a_batch_that_could_not_be_stored_is_stored_when_tried_again(engine) -> None:
    tenant, cab, secret = _committed_cabinet(engine)
    handed: list[tuple[str, tuple]] = []

    async def record(name: str):
        async def job(ctx, *args):
            handed.append((name, args))

        return job

    functions = {n: await record(n) for n in ("handle_device_message", "handle_device_messages")}
    gateway = Gateway(
        BrokerConfig(hostname="unused"),
        unit_of_work=_FailsFirstCommit(engine),
        dispatcher=InProcessDispatcher(functions=functions),
    )
    messages = [_payload(_msg(tenant, cab, secret, seq)) for seq in range(3)]
    messages.append((messages[0][0], b"{"))
    results = await gateway.handle_batch(messages)
    assert [r.status for r in results] == ["accepted"] * 3 + ["rejected"]  # no replayed_nonce
    assert gateway.stats.rejections == {"bad_json": 1}  # counted once, not once per attempt
    again = await gateway.handle_batch(messages[:3])
    assert {r.code for r in again} == {"replayed_nonce"}
    await gateway._dispatcher.drain(5)
    ids = [r.message_row_id for r in results[:3]]
    assert handed == [("handle_device_messages", (ids,))]


async def test_accepted_messages_go_to_one_job_per_batch_or_one_each(engine) -> None:
    tenant, cab, secret = _committed_cabinet(engine)
    single: list[int] = []

    async def handle_device_message(ctx, row_id: int) -> None:
        single.append(row_id)

    gateway = Gateway(
        BrokerConfig(hostname="unused"),
        unit_of_work=lambda: session_scope(engine),
        dispatcher=InProcessDispatcher(functions={"handle_device_message": handle_device_message}),
    )
    results = await gateway.handle_batch(
        [_payload(_msg(tenant, cab, secret, seq)) for seq in range(3)]
    )
    await gateway._dispatcher.drain(5)
    assert single == [r.message_row_id for r in results]  # a dispatcher without the batch job


@pytest.mark.dialects("postgresql")
def test_two_gateways_storing_at_once_store_each_message_once(engine) -> None:
    tenant, cab, secret = _committed_cabinet(engine)
    m0, m1 = _msg(tenant, cab, secret, 0), _msg(tenant, cab, secret, 1)
    copy = _resend(tenant, cab, secret, m0[1])  # the same message, delivered to both gateways

    def store(session: Session, messages) -> list:
        return ingest_batch(
            session=session,
            messages=[_payload(m) for m in messages],
            guard=NonceGuard(),  # each gateway has its own
            now_ms=m0[1]["ts"],
            rejections=Counter(),
        )

    with Session(engine) as first, Session(engine) as second:
        assert [r.status for r in store(first, [m0])] == ["accepted"]  # not committed yet
        with ThreadPoolExecutor(1) as pool:
            racing = pool.submit(store, second, [copy, m1])
            time.sleep(0.5)
            assert not racing.done()  # waits for the first gateway's transaction
            first.commit()
            results = racing.result(timeout=10)
        second.commit()
    assert [(r.status, r.gap) for r in results] == [("duplicate", False), ("accepted", False)]
    with Session(engine) as session:
        rows = session.exec(select(DeviceMessage).where(DeviceMessage.cabinet_id == cab.id)).all()
        assert sorted(r.seq for r in rows) == [0, 1]
        assert not session.exec(select(Alert)).all()
        assert session.get(Cabinet, cab.id).last_seq == 1


def _mutations(value, rng: random.Random, depth: int = 0):
    """Values near `value` that a schema may or may not accept."""
    odd = [None, True, False, 0, -1, 1.0, 1.5, 2**40, "", "x", "A1\n", "ü" * 201, [], {}, [1]]
    yield rng.choice(odd)
    if isinstance(value, dict) and depth < 2:
        key = rng.choice(list(value))
        yield {k: v for k, v in value.items() if k != key}
        yield value | {"extra": 1}
        for changed in _mutations(value[key], rng, depth + 1):
            yield value | {key: changed}
    elif isinstance(value, list) and value:
        yield [*value, value[0]]  # a repeat: unique lists must refuse it
        yield [*value, 1]
        yield [*value, {"x": value[0]}]
        yield [rng.choice(value)] * 2
        at = rng.randrange(len(value))
        for changed in _mutations(value[at], rng, depth + 1):
            yield [*value[:at], changed, *value[at + 1 :]]
    elif isinstance(value, str):
        yield value + "\n"
        yield value[: len(value) // 2]
        yield value.upper()
        yield value * 5
    elif isinstance(value, int) and not isinstance(value, bool):
        yield from (value - 1, -value, float(value), value * 1000, True)


def test_the_fast_schema_look_never_accepts_what_the_validator_refuses(cabinet) -> None:
    tenant, cab, secret = cabinet
    rng = random.Random(7)
    bodies = {
        "alarm": ALARM | {"slot": "A1", "detail": "门"},
        "heartbeat": HEARTBEAT | {"rssi_dbm": -60, "temp_dc": 250},
        "auth.pin": {"pin": "482915", "at": 1_764_201_600_000},
        "cmd.ack": {"command": "cmd00000001", "status": "done", "at": 1_764_201_600_000},
        "door.opened": BODIES["door.opened"],
        "door.closed": BODIES["door.closed"],  # uniqueItems: its EPCs and snapshot ids
    }
    checked = 0
    for kind, body in bodies.items():
        _, message = _msg(tenant, cab, secret, 3, kind=kind, body=body)
        assert messages._surely_valid("envelope")(message)
        assert messages._surely_valid(kind)(message["body"])
        for _ in range(300):
            for envelope in _mutations(message, rng):
                if messages._surely_valid("envelope")(envelope):
                    assert messages._first_error(messages._validator("envelope"), envelope) is None
                    checked += 1
            for changed in _mutations(body, rng):
                if messages._surely_valid(kind)(changed):
                    assert messages._first_error(messages._validator(kind), changed) is None
                    checked += 1
    assert checked > 500
