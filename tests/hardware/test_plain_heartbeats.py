"""Heartbeats that change nothing but when their cabinet was heard are applied by the gateway as
it stores them, with no job; any other heartbeat, and any heartbeat after something of its
cabinet that waits for a job, goes to the job in arrival order, so the cabinet ends as the
job alone would leave it."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.cabinets.models import Cabinet, DeviceMessage, MessageStatus
from app.cabinets.services.cabinets import apply_device_messages
from app.cabinets.services.presence import Presence, plain_heartbeats
from app.core.db import run_in_session, session_scope
from app.core.jobs import InProcessDispatcher
from hardware.firmware import CabinetIdentity
from hardware.gateway import BrokerConfig, Gateway
from hardware.protocol.messages import build
from tests.hardware.harness import provisioned

ONLINE_CLOSED = Presence(is_online=True, door_state="closed", config_due=False, status="active")
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # the gateway's clock, and when messages are signed
T0_MS = int(T0.timestamp() * 1000)


def _beat(door: str = "closed", **extra: Any) -> dict[str, Any]:
    return {"type": "heartbeat", "body": {"uptime_s": 5, "door": door, "outbox": 0} | extra}


@pytest.mark.parametrize(
    ("presence", "message", "plain"),
    [
        (ONLINE_CLOSED, _beat("closed"), True),
        (ONLINE_CLOSED, _beat("open"), False),  # the door changes
        (ONLINE_CLOSED, _beat("unknown"), False),
        (ONLINE_CLOSED, _beat("closed", scales=[{"slot": "A1"}]), False),  # σ to fold
        (ONLINE_CLOSED, {"type": "boot", "body": {"door": "closed"}}, False),
        (Presence(False, "closed", False, "active"), _beat("closed"), False),  # back online
        (Presence(True, "closed", True, "active"), _beat("closed"), False),  # a layout is due
        (Presence(True, "closed", False, "maintenance"), _beat("closed"), False),  # its lease
        (Presence(True, "open", False, "retired"), _beat("open"), True),
    ],
)
def test_only_a_heartbeat_that_changes_nothing_but_the_time_is_plain(
    presence: Presence, message: dict[str, Any], plain: bool
) -> None:
    assert plain_heartbeats([(7, message)], {7: presence}) == ({0} if plain else set())


def test_nothing_after_what_waits_for_a_job_is_plain_nor_of_an_unread_cabinet() -> None:
    opened = {"type": "door.opened", "body": {}}
    batch = [(1, _beat()), (1, opened), (1, _beat()), (2, _beat()), (3, _beat())]
    assert plain_heartbeats(batch, {1: ONLINE_CLOSED, 2: ONLINE_CLOSED}) == {0, 3}
    flip = [(1, _beat("open")), (1, _beat("closed"))]  # the first goes to the job: so must this
    assert plain_heartbeats(flip, {1: ONLINE_CLOSED}) == set()


def _set(engine: Engine, cabinet_id: int, **values: Any) -> None:
    with session_scope(engine) as session:
        session.exec(update(Cabinet).where(Cabinet.id == cabinet_id).values(**values))


class _Site:
    """A gateway whose jobs apply the rows at once (what app/jobs.py does, minus arq)."""

    def __init__(self, engine: Engine) -> None:
        self.handed: list[int] = []

        async def handle_device_messages(ctx: dict, ids: list[int]) -> int:
            self.handed.extend(ids)
            return await run_in_session(
                apply_device_messages, in_engine=engine, message_row_ids=ids
            )

        async def handle_device_message(ctx: dict, row_id: int) -> int:
            return await handle_device_messages(ctx, [row_id])

        jobs = {"handle_device_messages": handle_device_messages}
        jobs["handle_device_message"] = handle_device_message
        self.gateway = Gateway(
            BrokerConfig(hostname="unused"),
            clock=lambda: T0_MS,
            unit_of_work=lambda: session_scope(engine),
            dispatcher=InProcessDispatcher(functions=jobs),
        )

    async def send(self, batch: list[tuple[str, dict]]):
        results = await self.gateway.handle_batch(
            [(topic, json.dumps(message).encode()) for topic, message in batch]
        )
        await self.gateway._dispatcher.drain(10)
        return results


Provisioned = tuple[CabinetIdentity, int]  # the cabinet and its row id


def _heartbeat(cabinet: Provisioned, door: str, **kw: Any) -> tuple[str, dict[str, Any]]:
    identity, _ = cabinet
    return build(
        secret=identity.secret,
        tenant=identity.tenant,
        cabinet=identity.code,
        boot="boot0001",
        seq=0,
        message_type="heartbeat",
        body={"uptime_s": 5, "door": door, "outbox": 0},
        **({"ts": T0_MS} | kw),
    )


async def test_a_plain_heartbeat_is_applied_in_the_gateway_and_the_rest_by_the_job(
    engine: Engine,
) -> None:
    quiet, away = provisioned(engine), provisioned(engine)
    _set(engine, quiet[1], is_online=True, door_state="closed", last_heartbeat_at=LONG_AGO)
    site = _Site(engine)
    results = await site.send([_heartbeat(quiet, "closed"), _heartbeat(away, "open")])
    assert [(r.status, r.applied) for r in results] == [("accepted", True), ("accepted", False)]
    assert site.handed == [results[1].message_row_id]  # the plain one had no job
    with Session(engine) as session:
        rows = [session.get_one(DeviceMessage, r.message_row_id) for r in results]
        assert {r.status for r in rows} == {MessageStatus.processed.value}
        heard = [session.get_one(Cabinet, c[1]) for c in (quiet, away)]
        assert all(c.is_online and c.last_heartbeat_at is not None for c in heard)
        last = heard[0].last_heartbeat_at
        assert last is not None and last.replace(tzinfo=UTC) == T0  # by the gateway's clock

    topic, first = _heartbeat(quiet, "closed")
    _set(engine, quiet[1], last_heartbeat_at=LONG_AGO)
    await site.send([(topic, first)])
    resent = _heartbeat(quiet, "closed", message_id=first["id"], ts=first["ts"] + 1000)
    _set(engine, quiet[1], last_heartbeat_at=LONG_AGO)
    assert [r.status for r in await site.send([resent])] == ["duplicate"]
    with Session(engine) as session:  # a duplicate is not heard again: it changes nothing
        last = session.get_one(Cabinet, quiet[1]).last_heartbeat_at
        assert last is not None and last.replace(tzinfo=UTC) == LONG_AGO


async def test_cabinets_end_as_their_last_heartbeat_says_whichever_path_each_took(
    engine: Engine,
) -> None:
    cabinets = [provisioned(engine) for _ in range(6)]
    rng = random.Random(21)
    site = _Site(engine)
    paths = Counter()
    for _ in range(8):
        for cabinet in cabinets:  # a random start: online or not, the door either way
            door = rng.choice(["open", "closed", "unknown"])
            _set(engine, cabinet[1], is_online=rng.random() < 0.7, door_state=door)
        batch, said = [], {}
        for _ in range(15):
            cabinet = rng.choice(cabinets)
            door = rng.choice(["open", "closed", "closed", "unknown"])
            batch.append(_heartbeat(cabinet, door))
            said[cabinet[1]] = door
        results = await site.send(batch)
        assert {r.status for r in results} == {"accepted"}
        paths.update("gateway" if r.applied else "job" for r in results)
        with Session(engine) as session:
            for cabinet_id, door in said.items():
                row = session.get_one(Cabinet, cabinet_id)
                assert row.is_online and row.door_state == door
            ids = [r.message_row_id for r in results]
            rows = [session.get_one(DeviceMessage, i) for i in ids]
            assert {r.status for r in rows} == {MessageStatus.processed.value}
    assert min(paths["gateway"], paths["job"]) >= 10, paths  # both paths taken
