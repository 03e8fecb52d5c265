"""Online/offline: a cabinet that missed 3 heartbeats (30 s apart) is offline, and that is one
alert for the cabinet (not one per slot), resolved when it is heard from again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.alerts.models import Alert, AlertStatus, Severity
from app.cabinets.models import Cabinet
from app.core.model_base import as_utc
from app.core.tenancy import TenantScope, scoped_select

HEARTBEAT_S = 30
MISSED_HEARTBEATS = 3
OFFLINE_AFTER = timedelta(seconds=HEARTBEAT_S * MISSED_HEARTBEATS)


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
        if last is not None and now - last <= OFFLINE_AFTER:
            continue
        cabinet.is_online = False
        went_offline.append(cabinet.code)
        if _open_alert(session, cabinet) is None:
            session.add(
                Alert(
                    tenant_id=cabinet.tenant_id,
                    cabinet_id=cabinet.id,
                    kind="cabinet_offline",
                    root_key=_root_key(cabinet),
                    severity=Severity.critical.value,
                    message_key="alert.cabinet_offline",
                    params={"cabinet": cabinet.name, "code": cabinet.code},
                    raised_at=now,
                )
            )
    session.flush()
    return PresenceChanges(went_offline=went_offline)


def heard_from(*, session: Session, cabinet: Cabinet, now: datetime) -> None:
    """A heartbeat or boot: online again, and the offline alert (if any) resolved."""
    cabinet.last_heartbeat_at = now
    cabinet.is_online = True
    alert = _open_alert(session, cabinet)
    if alert is not None:
        alert.status = AlertStatus.resolved.value
        alert.resolved_at = now
    session.flush()
