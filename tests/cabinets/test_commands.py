"""Commands with a controllable clock: sent at once, resent at 15/30/60 s without an ack, failed
to a work order at 120 s; acknowledgements stop the resends; messages are valid and signed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.cabinets.models import DeviceCommand
from app.cabinets.services.commands import issue_command, prepare_sends, record_ack
from app.cabinets.services.credentials import provision
from app.core.tenancy import TenantScope
from app.workorders.models import WorkOrder
from hardware.protocol.messages import decode, verify
from tests.factories import make_cabinet, make_tenant

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="admin")
UNLOCK = {"session": "ds-1", "by": {"method": "qr", "ref": "u-1"}, "max_open_s": 120}


def _setup(session: Session):
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    creds = provision(
        session=session, scope=TenantScope.single(tenant.id), cabinet_id=cabinet.id, actor=ADMIN
    )
    return tenant, cabinet, bytes.fromhex(creds.secret_hex)


def _issue(
    session, tenant, cabinet, now=T0, kind="unlock", args=UNLOCK, ttl=timedelta(minutes=5)
) -> DeviceCommand:
    return issue_command(
        session=session,
        scope=TenantScope.single(tenant.id),
        cabinet_id=cabinet.id,
        kind=kind,
        args=args,
        actor=ADMIN,
        now=now,
        ttl=ttl,
    )


def _at(session, seconds: float):
    return prepare_sends(session=session, now=T0 + timedelta(seconds=seconds))


def test_resends_at_15_30_60_then_a_work_order(session: Session) -> None:
    tenant, cabinet, _secret = _setup(session)
    command = _issue(session, tenant, cabinet)
    sent_at = [t for t in (0, 5, 14, 15, 20, 29, 30, 59, 60, 90, 119) if _at(session, t)]
    assert sent_at == [0, 15, 30, 60]
    assert command.status == "sent" and command.attempts == 4
    assert _at(session, 120) == [] and command.status == "failed"
    orders = session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet.id)).all()
    assert len(orders) == 1 and orders[0].kind == "command_failure"
    # another silent command on the same cabinet: the same open work order, not a second one
    _issue(session, tenant, cabinet, now=T0 + timedelta(seconds=200))
    for t in (200, 215, 230, 260, 320):
        _at(session, t)
    assert len(session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet.id)).all()) == 1


def test_an_ack_stops_the_resends_and_a_done_finishes_it(session: Session) -> None:
    tenant, cabinet, _ = _setup(session)
    command = _issue(session, tenant, cabinet)
    assert len(_at(session, 0)) == 1
    assert record_ack(
        session=session,
        cabinet_id=cabinet.id,
        body={"command": command.command_id, "status": "received", "at": 1},
    )
    assert command.status == "acked" and _at(session, 15) == [] and _at(session, 120) == []
    assert record_ack(
        session=session,
        cabinet_id=cabinet.id,
        body={"command": command.command_id, "status": "done", "at": 2},
    )
    assert command.status == "succeeded"
    assert not record_ack(
        session=session,
        cabinet_id=cabinet.id,
        body={"command": command.command_id, "status": "duplicate", "at": 3},
    )
    assert not record_ack(
        session=session, cabinet_id=cabinet.id, body={"command": "nope", "status": "done", "at": 3}
    )
    assert session.exec(select(WorkOrder)).all() == []


def test_every_send_is_a_valid_signed_message_with_the_same_command_id(session: Session) -> None:
    tenant, cabinet, secret = _setup(session)
    command = _issue(session, tenant, cabinet)
    first, again = _at(session, 0)[0], _at(session, 15)[0]
    for outgoing in (first, again):
        topic, message = decode(outgoing.topic, json.dumps(outgoing.message).encode())
        verify(secret, topic, message)
        assert message["type"] == "cmd.unlock" and topic.channel == "cmd"
        assert message["body"]["command"] == command.command_id
    assert first.message["nonce"] != again.message["nonce"]
    assert first.message["id"] == again.message["id"] == command.command_id
    assert first.message["seq"] == again.message["seq"]  # a resend keeps its seq (§ 3)


def _ack(session, cabinet, command, status: str) -> bool:
    body = {"command": command.command_id, "status": status, "at": 1}
    return record_ack(session=session, cabinet_id=cabinet.id, body=body, now=T0)


def test_received_but_never_done_goes_to_a_person_when_overdue(session: Session) -> None:
    """`received` stops the resends; no `done` by the later of 120 s and the command's expiry:
    failed (received_never_done) and one work order for the cabinet."""
    tenant, cabinet, _ = _setup(session)
    command = _issue(session, tenant, cabinet)  # expires at 5 min
    _at(session, 0)
    assert _ack(session, cabinet, command, "received")
    assert _at(session, 120) == [] and _at(session, 299) == [] and command.status == "acked"
    _at(session, 300)
    assert command.status == "failed"
    assert command.result == {"reason": "received_never_done", "attempts": 1}
    orders = session.exec(select(WorkOrder).where(WorkOrder.cabinet_id == cabinet.id)).all()
    assert [o.kind for o in orders] == ["command_failure"]
    assert not _ack(session, cabinet, command, "received")  # a late one reopens nothing


def test_a_screen_answer_nobody_acknowledged_sends_no_one_to_the_cabinet(session: Session) -> None:
    tenant, cabinet, _ = _setup(session)
    args = {"method": "card", "result": "refused", "code": "wrong_pin", "text": "PIN", "lang": "en"}
    silent, received = (
        _issue(session, tenant, cabinet, kind="auth_result", args=args, ttl=timedelta(seconds=15))
        for _ in range(2)
    )
    _at(session, 0)
    assert _ack(session, cabinet, received, "received")
    _at(session, 15)
    _at(session, 200)
    assert (silent.status, received.status) == ("expired", "failed")
    assert session.exec(select(WorkOrder)).all() == []


@pytest.mark.dialects("postgresql")
def test_a_late_received_never_reopens_a_finished_command(engine) -> None:
    """Two jobs apply the acks of one command at once: `done` commits after the job applying
    `received` has read the command and before it writes. The command must stay succeeded (it
    used to fall back to acked: no more resends, never finished)."""
    with Session(engine, expire_on_commit=False) as session:
        tenant, cabinet, _ = _setup(session)
        command = _issue(session, tenant, cabinet)
        _at(session, 0)
        session.commit()
    ack = {"command": command.command_id, "at": 1_795_000_000_000}
    other_job_done = []

    def other_job_commits_now(*_args) -> None:
        if other_job_done:
            return
        other_job_done.append(True)
        with Session(engine) as other:
            assert record_ack(session=other, cabinet_id=cabinet.id, body=ack | {"status": "done"})
            other.commit()

    with Session(engine) as late:
        # the moment this job writes: an ORM flush, or an UPDATE statement
        event.listen(late, "before_flush", other_job_commits_now)
        event.listen(
            late,
            "do_orm_execute",
            lambda state: state.is_update and other_job_commits_now(),
        )
        record_ack(session=late, cabinet_id=cabinet.id, body=ack | {"status": "received"})
        late.commit()
    assert other_job_done
    with Session(engine) as session:
        assert session.get(DeviceCommand, command.id).status == "succeeded"
