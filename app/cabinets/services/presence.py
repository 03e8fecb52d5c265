"""Online/offline: a cabinet that missed 3 heartbeats (30 s apart), or whose last will the broker
published, is offline, and that is one alert for the cabinet (not one per slot), resolved when it
is heard from again. A cabinet never heard from (no boot, heartbeat or `online` state ever) is
"never connected", neither online nor offline."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, update
from sqlmodel import Session, select

from app.alerts.models import Alert, AlertStatus, Severity
from app.alerts.service import raise_once, resolve
from app.cabinets.models import Cabinet, CabinetStatus
from app.cabinets.services.layout import send_if_due
from app.cabinets.services.lease import empty_lease_if_held
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope, scoped_select
from app.tenants.models import Tenant
from app.webhooks.services import hooks as webhooks

HEARTBEAT_S = 30
MISSED_HEARTBEATS = 3
OFFLINE_AFTER = timedelta(seconds=HEARTBEAT_S * MISSED_HEARTBEATS)
STATUSES = ("online", "open", "offline", "never")  # "never": never connected
CABINETS: Table = Cabinet.__table__  # type: ignore[attr-defined]  # set by SQLModel


def presence_status(*, online: bool, door: str, last_heard_at: datetime | None) -> str:
    """What the console and the wall show: online (door open) or offline, or never connected."""
    if not online:
        return "offline" if last_heard_at is not None else "never"
    return "open" if door == "open" else "online"


@dataclass(frozen=True)
class PresenceChanges:
    went_offline: list[str]  # cabinet codes


def _root_key(cabinet: Cabinet) -> str:
    return f"offline:cabinet:{cabinet.id}"


def _open_alert(session: Session, cabinet: Cabinet) -> Alert | None:
    return session.exec(
        select(Alert).where(
            Alert.tenant_id == cabinet.tenant_id,
            Alert.root_key == _root_key(cabinet),
            Alert.status != AlertStatus.resolved.value,
        )
    ).first()


def sweep_presence(*, session: Session, now: datetime | None = None) -> PresenceChanges:
    """Mark silent cabinets offline, each with one critical alert (a system job, all tenants)."""
    now = now or datetime.now(UTC)
    silent = session.exec(
        scoped_select(Cabinet, TenantScope.platform()).where(Cabinet.is_online)
    ).all()
    went_offline = []
    for cabinet in silent:
        last = as_utc(cabinet.last_heartbeat_at)
        if last is None:  # marked online by hand, never heard from: no outage to alert on
            cabinet.is_online = False
            continue
        if now - last <= OFFLINE_AFTER:
            continue
        mark_offline(session=session, cabinet=cabinet, now=now)
        went_offline.append(cabinet.code)
    return PresenceChanges(went_offline=went_offline)


def mark_offline(*, session: Session, cabinet: Cabinet, now: datetime) -> None:
    """Offline with one open critical alert for the cabinet, however often it is said."""
    if cabinet.is_online:
        webhooks.cabinet_presence(session, cabinet, "cabinet.offline", now)
    cabinet.is_online = False
    if _open_alert(session, cabinet) is None:
        raise_once(
            session=session,
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            kind="cabinet_offline",
            root_key=_root_key(cabinet),
            severity=Severity.critical,
            message_key="alert.cabinet_offline",
            params={"cabinet": cabinet.name, "code": cabinet.code},
            now=now,
        )
    session.flush()


def apply_state(
    *,
    session: Session,
    tenant_code: str,
    cabinet_code: str,
    payload: bytes,
    retained: bool,
    now: datetime | None = None,
) -> str:
    """A message on a cabinet's `state` topic: its last will (`offline`, the broker publishes it
    when the connection dies) or `online` after connecting. Unsigned: the broker's credentials
    and ACL vouch for who published it. A retained `online` replayed to a gateway that just
    subscribed says nothing about now and is ignored. Returns what was done."""
    try:
        state = json.loads(payload).get("state")
    except (ValueError, AttributeError):
        state = None
    if state not in ("online", "offline"):
        return "ignored"
    cabinet = session.exec(
        scoped_select(Cabinet, TenantScope.platform()).where(Cabinet.code == cabinet_code)
    ).first()
    if cabinet is None or session.get_one(Tenant, cabinet.tenant_id).code != tenant_code:
        return "ignored"
    now = now or datetime.now(UTC)
    if state == "offline":
        if not cabinet.is_online:
            return "unchanged"
        mark_offline(session=session, cabinet=cabinet, now=now)
        return "offline"
    if retained:
        return "ignored"
    heard_from(session=session, cabinet=cabinet, now=now)
    return "online"


def heard_from(*, session: Session, cabinet: Cabinet, now: datetime) -> None:
    """A heartbeat or boot: online again, the offline alert (if any) resolved, a slot layout
    that became due while it was away (or before it ever connected) sent, and a cabinet in
    maintenance still holding people in its offline lease sent the empty one."""
    was_online, cabinet.is_online = cabinet.is_online, True
    cabinet.last_heartbeat_at = now
    if not was_online:  # an offline alert is open only while the cabinet is offline (mark_offline)
        webhooks.cabinet_presence(session, cabinet, "cabinet.online", now)
        resolve(session=session, tenant_id=cabinet.tenant_id, root_key=_root_key(cabinet), now=now)
    # not flushed here: a batch of heartbeats writes its cabinets in one statement
    send_if_due(session=session, cabinet=cabinet, now=now)
    empty_lease_if_held(session=session, cabinet=cabinet, now=now)


@dataclass(frozen=True)
class Presence:
    """A cabinet as a gateway reads it, its row locked: what tells a plain heartbeat."""

    is_online: bool
    door_state: str
    config_due: bool
    status: str


def plain_heartbeats(
    messages: Sequence[tuple[int, Mapping[str, Any]]], cabinets: Mapping[int, Presence]
) -> set[int]:
    """The positions, in a batch of (cabinet id, message) in arrival order, of the heartbeats
    that change nothing but when their cabinet was heard: it is online, its door is as they
    say, no layout is due, it is not in maintenance, they carry no scale statistics, and
    nothing of the same cabinet before them in the batch waits for a job (which could change
    what they were compared with). Those need no job: the gateway stores them applied and
    writes the time with `heard_at_once`; the job does the rest (heard_from)."""
    waiting: set[int] = set()  # cabinets with something earlier in the batch left to the job
    plain = set()
    for position, (cabinet_id, message) in enumerate(messages):
        presence = cabinets.get(cabinet_id)
        if (
            message["type"] == "heartbeat"
            and cabinet_id not in waiting
            and presence is not None
            and _changes_nothing(presence, message["body"])
        ):
            plain.add(position)
        else:
            waiting.add(cabinet_id)
    return plain


def _changes_nothing(presence: Presence, body: Mapping[str, Any]) -> bool:
    return (
        presence.is_online
        and body.get("door") == presence.door_state
        and not presence.config_due
        and presence.status != CabinetStatus.maintenance.value
        and not body.get("scales")
    )


def heard_at_once(*, session: Session, cabinet_ids: Iterable[int], now: datetime) -> None:
    """When the cabinets of plain heartbeats were heard, in one UPDATE (their rows locked by
    the caller since it read their Presence)."""
    ids = sorted(set(cabinet_ids))
    if ids:
        session.connection().execute(
            update(CABINETS).where(CABINETS.c.id.in_(ids)).values(last_heartbeat_at=now)
        )
