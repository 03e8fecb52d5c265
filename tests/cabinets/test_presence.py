"""Online/offline from heartbeats: offline after 3 missed, one alert per cabinet, resolved on
return; a stored heartbeat applied twice changes nothing the second time; the sweep runs in the
in-process schedule (`make run`, no arq worker) too, and leaves a never-connected cabinet alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import jobs
from app.alerts.models import Alert
from app.cabinets.models import Cabinet
from app.cabinets.services.cabinets import apply_device_message
from app.cabinets.services.presence import HEARTBEAT_S, sweep_presence
from app.core.db import session_scope
from app.core.jobs import InProcessDispatcher
from tests.factories import make_cabinet, make_device_message, make_slot, make_tenant
from tests.hardware.harness import until

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _heartbeat(session: Session, cabinet: Cabinet, n: int) -> int:
    row = make_device_message(
        session,
        cabinet,
        message_id=f"hb-{cabinet.id}-{n}",
        boot_id="b1",
        seq=n,
        type="heartbeat",
        device_ts=T0,
        payload={"body": {"uptime_s": n, "door": "closed", "outbox": 0}},
    )
    return row.id


def test_a_silent_cabinet_goes_offline_once_and_comes_back(session: Session) -> None:
    tenant = make_tenant(session)
    quiet, chatty = make_cabinet(session, tenant), make_cabinet(session, tenant)
    for slot in ("A1", "A2", "A3"):
        make_slot(session, quiet, slot)
    for cabinet in (quiet, chatty):
        assert apply_device_message(
            session=session, message_row_id=_heartbeat(session, cabinet, 0), now=T0
        )
    assert sweep_presence(session=session, now=T0 + timedelta(seconds=89)).went_offline == []

    apply_device_message(
        session=session,
        message_row_id=_heartbeat(session, chatty, 1),
        now=T0 + timedelta(seconds=60),
    )
    changes = sweep_presence(session=session, now=T0 + timedelta(seconds=91))
    assert changes.went_offline == [quiet.code]
    assert sweep_presence(session=session, now=T0 + timedelta(seconds=200)).went_offline == [
        chatty.code
    ]
    assert sweep_presence(session=session, now=T0 + timedelta(seconds=300)).went_offline == []
    alerts = session.exec(select(Alert).where(Alert.kind == "cabinet_offline")).all()
    assert len(alerts) == 2  # one per cabinet, not one per slot, not one per sweep

    row_id = _heartbeat(session, quiet, 2)
    assert apply_device_message(
        session=session, message_row_id=row_id, now=T0 + timedelta(seconds=400)
    )
    assert not apply_device_message(session=session, message_row_id=row_id)  # applied once
    session.refresh(quiet)
    assert quiet.is_online
    alert = next(a for a in alerts if a.cabinet_id == quiet.id)
    session.refresh(alert)
    assert alert.status == "resolved" and alert.resolved_at is not None
    sweep_presence(session=session, now=T0 + timedelta(seconds=600))
    open_again = session.exec(
        select(Alert).where(Alert.cabinet_id == quiet.id, Alert.status != "resolved")
    ).all()
    assert len(open_again) == 1  # a new outage is a new alert


async def test_the_in_process_schedule_sweeps_presence(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        tenant = make_tenant(session)
        silent, never = make_cabinet(session, tenant), make_cabinet(session, tenant)
        silent.is_online, silent.last_heartbeat_at = True, T0
        never.is_online = True  # marked by hand, never heard from: no outage to alert on
        session.commit()
    every = {fn.__name__: seconds for fn, seconds in jobs.IN_PROCESS_SCHEDULE}
    assert every["sweep_cabinet_presence"] <= HEARTBEAT_S

    async def run_in_session(fn, /, **kwargs):  # this database, the clock 130 s after T0
        with session_scope(engine) as session:
            if fn is sweep_presence:
                kwargs["now"] = T0 + timedelta(seconds=130)
            return fn(session=session, **kwargs)

    def online() -> list[bool]:
        with Session(engine) as session:
            return [session.get(Cabinet, c.id).is_online for c in (silent, never)]

    monkeypatch.setattr(jobs, "run_in_session", run_in_session)
    dispatcher = InProcessDispatcher(
        functions={fn.__name__: fn for fn, _ in jobs.IN_PROCESS_SCHEDULE}
    )
    schedule = asyncio.create_task(jobs.run_schedule(dispatcher=dispatcher))
    try:
        await until(lambda: online() == [False, False], 10)
    finally:
        schedule.cancel()
        await asyncio.gather(schedule, return_exceptions=True)
        await dispatcher.drain()
    with Session(engine) as session:
        alerts = session.exec(select(Alert).where(Alert.tenant_id == tenant.id)).all()
    assert [(a.kind, a.cabinet_id) for a in alerts] == [("cabinet_offline", silent.id)]


def test_a_last_will_takes_the_cabinet_offline_at_once(session: Session) -> None:
    from app.cabinets.services.presence import apply_state

    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)

    def state(payload: bytes, *, retained: bool = False, tenant_code: str = tenant.code) -> str:
        return apply_state(
            session=session,
            tenant_code=tenant_code,
            cabinet_code=cabinet.code,
            payload=payload,
            retained=retained,
            now=T0,
        )

    assert state(b'{"state":"online","boot":"b1"}') == "online" and cabinet.is_online
    assert state(b'{"state":"offline"}', tenant_code="OTHER") == "ignored"  # not its tenant
    assert state(b"not json") == "ignored" and state(b'{"state":"dancing"}') == "ignored"
    assert cabinet.is_online
    assert state(b'{"state":"offline"}') == "offline" and not cabinet.is_online
    assert state(b'{"state":"offline"}', retained=True) == "unchanged"
    assert state(b'{"state":"online"}', retained=True) == "ignored"  # old news on subscribe
    assert not cabinet.is_online
    alerts = session.exec(select(Alert).where(Alert.cabinet_id == cabinet.id)).all()
    assert len(alerts) == 1 and alerts[0].kind == "cabinet_offline"
    assert state(b'{"state":"online"}') == "online"
    assert alerts[0].status == "resolved"


def test_alarms_raise_one_alert_per_cause(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    for n, (kind, slot) in enumerate(
        [("door_left_open", None)] * 3 + [("door_forced", None), ("scale_fault", "A2")]
    ):
        body = {"kind": kind, "at": 1_795_000_000_000} | ({"slot": slot} if slot else {})
        row = make_device_message(
            session,
            cabinet,
            message_id=f"al-{n}",
            boot_id="b1",
            seq=n,
            type="alarm",
            device_ts=T0,
            payload={"body": body},
        )
        assert apply_device_message(session=session, message_row_id=row.id, now=T0)
    alerts = {a.kind: a for a in session.exec(select(Alert).where(Alert.cabinet_id == cabinet.id))}
    assert set(alerts) == {"door_left_open", "alarm_door_forced", "alarm_scale_fault"}
    assert alerts["door_left_open"].occurrences == 3
    assert alerts["alarm_door_forced"].severity == "critical"
    assert alerts["alarm_scale_fault"].params["slot"] == "A2"
