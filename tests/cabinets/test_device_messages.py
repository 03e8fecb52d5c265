"""What the gateway's batch hand-over does: the messages of one batch applied in arrival order in
one unit of work, once; a message that cannot be applied holds back none of the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from app import jobs
from app.cabinets.models import Cabinet, DeviceMessage
from app.cabinets.services import cabinets as service
from app.cabinets.services.cabinets import apply_device_messages
from app.core.db import session_scope
from tests.factories import make_cabinet, make_device_message, make_tenant

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _stored(session: Session, cabinet: Cabinet, seq: int, kind: str, body: dict) -> int:
    row = make_device_message(
        session,
        cabinet,
        message_id=f"m-{cabinet.id}-{seq}",
        boot_id="b1",
        seq=seq,
        type=kind,
        device_ts=T0,
        payload={"body": body},
    )
    return row.id


def _door(session: Session, cabinet: Cabinet, seq: int, kind: str) -> int:
    return _stored(session, cabinet, seq, kind, {"at": 1_764_201_600_000})


def test_a_batch_is_applied_in_arrival_order_and_once(session: Session) -> None:
    tenant = make_tenant(session)
    one, two = make_cabinet(session, tenant), make_cabinet(session, tenant)
    ids = [
        _door(session, one, 0, "door.opened"),
        _stored(session, two, 0, "heartbeat", {"uptime_s": 1, "door": "open", "outbox": 0}),
        _door(session, one, 1, "door.closed"),
    ]
    assert apply_device_messages(session=session, message_row_ids=ids, now=T0) == 3
    assert apply_device_messages(session=session, message_row_ids=[*ids, 10**9], now=T0) == 0
    session.refresh(one)
    session.refresh(two)
    assert one.door_state == "closed" and two.door_state == "open" and two.is_online
    rows = session.exec(select(DeviceMessage).where(DeviceMessage.id.in_(ids))).all()
    assert {r.status for r in rows} == {"processed"}


def _stored_doors(engine: Engine) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as session:
        cabinet = make_cabinet(session, make_tenant(session))
        ids = [_door(session, cabinet, seq, "door.opened") for seq in range(3)]
        ids.append(_door(session, cabinet, 3, "door.closed"))
        session.commit()
    return cabinet.id, ids


def _failing_on(monkeypatch: pytest.MonkeyPatch, engine: Engine, row_id: int, error: Exception):
    real_apply = service.apply_device_message

    def apply_one(*, session: Session, message_row_id: int, now=None) -> bool:
        if message_row_id == row_id:
            raise error
        return real_apply(session=session, message_row_id=message_row_id, now=now)

    async def run_in_session(fn, /, **kwargs):
        with session_scope(engine) as session:
            return fn(session=session, **kwargs)

    monkeypatch.setattr(service, "apply_device_message", apply_one)
    monkeypatch.setattr(jobs, "run_in_session", run_in_session)
    return real_apply


def _statuses(engine: Engine, ids: list[int]) -> list[str]:
    with Session(engine) as session:
        return [session.get(DeviceMessage, i).status for i in ids]


async def test_a_message_refused_for_what_it_is_is_marked_failed_and_the_rest_applied(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cabinet_id, ids = _stored_doors(engine)
    _failing_on(monkeypatch, engine, ids[1], RuntimeError("a message this code cannot apply"))
    assert await jobs.handle_device_messages({}, ids) == 3  # not raised: nothing to try again
    assert _statuses(engine, ids) == ["processed", "failed", "processed", "processed"]
    with Session(engine) as session:
        assert "cannot apply" in session.get(DeviceMessage, ids[1]).error
        assert session.get(Cabinet, cabinet_id).door_state == "closed"


async def test_a_message_the_database_was_away_for_fails_the_job_and_a_retry_applies_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = _stored_doors(engine)
    away = OperationalError("UPDATE cabinet", {}, ConnectionError("server closed the connection"))
    real_apply = _failing_on(monkeypatch, engine, ids[1], away)
    with pytest.raises(RuntimeError, match=str(ids[1])):
        await jobs.handle_device_messages({}, ids)
    assert _statuses(engine, ids) == ["processed", "accepted", "processed", "processed"]
    monkeypatch.setattr(service, "apply_device_message", real_apply)
    assert await jobs.handle_device_messages({}, ids) == 1  # a retry applies what is left
