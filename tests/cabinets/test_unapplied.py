"""Stored messages no job applied (the hand-over lost with Redis away, or the worker killed
mid-job) are handed over again by the sweep once they are 30 s old; a message handed over twice
is applied once, even when both jobs run at the same moment."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import jobs
from app.cabinets.models import DeviceMessage
from app.cabinets.services import cabinets as service
from app.cabinets.services.unapplied import BATCH, STRANDED_AFTER, mark_failed, stranded_messages
from app.core.db import session_scope
from tests.cabinets.test_device_messages import T0, _stored
from tests.factories import make_cabinet, make_tenant

BEAT = {"uptime_s": 1, "door": "closed", "outbox": 0}


def _beats(session: Session, count: int, received_ago: timedelta) -> list[int]:
    cabinet = make_cabinet(session, make_tenant(session))
    ids = [_stored(session, cabinet, seq, "heartbeat", BEAT) for seq in range(count)]
    for row_id in ids:
        session.get(DeviceMessage, row_id).received_at = T0 - received_ago
    session.flush()
    return ids


def test_only_messages_stranded_past_their_time_are_handed_over_in_order(
    session: Session,
) -> None:
    old = _beats(session, BATCH + 5, STRANDED_AFTER + timedelta(seconds=1))
    young = _beats(session, 3, STRANDED_AFTER - timedelta(seconds=5))
    service.apply_device_messages(session=session, message_row_ids=old[:2], now=T0)
    assert mark_failed(session=session, message_row_id=old[2], error="bad")
    batches = stranded_messages(session=session, now=T0)
    assert batches == [old[3 : 3 + BATCH], old[3 + BATCH :]]
    assert not set(young) & {i for ids in batches for i in ids}
    assert not mark_failed(session=session, message_row_id=old[0], error="late")  # applied


async def test_the_sweep_job_applies_what_no_job_applied(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(engine) as session:
        ids = _beats(session, 4, timedelta(minutes=5))  # received_at is before the job's now
    handed: list[tuple[str, list[int]]] = []

    class Recording:
        async def enqueue(self, name: str, ids: list[int], job_id: str) -> None:
            handed.append((name, ids))

    async def run_in_session(fn, /, **kwargs):
        with session_scope(engine) as session:
            return fn(session=session, **kwargs)

    monkeypatch.setattr(jobs, "run_in_session", run_in_session)
    monkeypatch.setattr(jobs, "get_dispatcher", lambda: Recording())
    assert await jobs.sweep_unapplied_messages({}) == 4
    assert handed == [("handle_device_messages", ids)]
    assert await jobs.handle_device_messages({}, ids) == 4
    handed.clear()
    assert await jobs.sweep_unapplied_messages({}) == 0 and handed == []


@pytest.mark.dialects("postgresql")
def test_a_message_applied_by_two_jobs_at_once_is_applied_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(engine) as session:
        (row_id,) = _beats(session, 1, timedelta(minutes=5))
    real_apply = service.apply_device_message

    def slow_apply(**kwargs) -> bool:
        time.sleep(0.5)  # both jobs are inside at the same time
        return real_apply(**kwargs)

    monkeypatch.setattr(service, "apply_device_message", slow_apply)
    applied: list[int] = []
    start = threading.Barrier(2)

    def job() -> None:
        start.wait()
        with session_scope(engine) as session:
            applied.append(service.apply_device_messages(session=session, message_row_ids=[row_id]))

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(applied) == [0, 1]
