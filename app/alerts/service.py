"""Alerts: one unresolved alert per root cause; a repeat of the cause counts an occurrence.

Every change is announced on the tenant's `alert` channel once committed (app/core/announce.py):
the consoles' alert centres follow it live (app/core/fanout.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app.alerts.models import Alert, AlertStatus, Severity
from app.audit.services import audit
from app.audit.services.records import Actor, update_scoped
from app.cabinets.queries.options import cabinet_labels
from app.core.announce import announce
from app.core.errors import ValidationError
from app.core.memo import memo_of, remember
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_count, scoped_select
from app.metrics import observe

UNRESOLVED = "alerts:unresolved"  # batch memo: (tenant, root key) → its unresolved alert or None


def preload(session: Session, keys: list[tuple[int, str]]) -> None:
    """The unresolved alerts of these (tenant, root key) causes, kept for the running batch
    (app/core/memo.py); raise_once keeps them current as it raises."""
    root_keys = sorted({key[:120] for _, key in keys})
    found: dict[tuple[int, str], Alert | None] = {(t, k[:120]): None for t, k in keys}
    for alert in session.exec(
        select(Alert).where(
            col(Alert.tenant_id).in_({t for t, _ in keys}),
            col(Alert.root_key).in_(root_keys),
            Alert.status != AlertStatus.resolved.value,
        )
    ):
        if (alert.tenant_id, alert.root_key) in found:
            found[(alert.tenant_id, alert.root_key)] = alert
    remember(session, UNRESOLVED, (memo_of(session, UNRESOLVED) or {}) | found)


def raise_once(
    *,
    session: Session,
    tenant_id: int,
    kind: str,
    root_key: str,
    message_key: str,
    params: dict[str, object],
    cabinet_id: int | None = None,
    severity: Severity = Severity.warning,
    now: datetime | None = None,
) -> Alert:
    root_key = root_key[:120]
    alert = _unresolved(session, tenant_id, root_key)
    if alert is None:
        alert = Alert(
            tenant_id=tenant_id,
            cabinet_id=cabinet_id,
            kind=kind,
            root_key=root_key,
            severity=severity.value,
            message_key=message_key,
            params=params,
            raised_at=now or datetime.now(UTC),
        )
        try:
            with session.begin_nested():  # the partial unique index settles two raisers at once
                session.add(alert)
                session.flush()
            _announce(session, alert, "raised")
            observe.alert_raised(session, kind)
            batch = memo_of(session, UNRESOLVED)
            if batch is not None and (tenant_id, root_key) in batch:
                batch[(tenant_id, root_key)] = alert
            return alert
        except IntegrityError:  # raised by another transaction: read it, not the batch's memo
            alert = _unresolved(session, tenant_id, root_key, fresh=True)
            if alert is None:  # resolved again already: nothing left to count
                raise
            batch = memo_of(session, UNRESOLVED)
            if batch is not None and (tenant_id, root_key) in batch:
                batch[(tenant_id, root_key)] = alert
    alert.occurrences = Alert.occurrences + 1  # in SQL: two raisers at once both count
    alert.params = params
    session.flush()
    session.refresh(alert, ["occurrences"])
    _announce(session, alert, "repeated")
    return alert


def resolve(
    *, session: Session, tenant_id: int, root_key: str, now: datetime | None = None
) -> Alert | None:
    """The cause is gone (back online, restocked): its unresolved alert, if any, is resolved."""
    alert = _unresolved(session, tenant_id, root_key[:120])
    if alert is None:
        return None
    alert.status = AlertStatus.resolved.value
    alert.resolved_at = now or datetime.now(UTC)
    session.flush()
    _announce(session, alert, "resolved")
    return alert


def resolve_for_cabinet(
    *, session: Session, tenant_id: int, cabinet_id: int, now: datetime | None = None
) -> int:
    """The cabinet is gone (decommissioned): every alert still open on it is resolved; how many."""
    alerts = session.exec(
        select(Alert).where(
            Alert.tenant_id == tenant_id,
            Alert.cabinet_id == cabinet_id,
            Alert.status != AlertStatus.resolved.value,
        )
    ).all()
    for alert in alerts:
        alert.status = AlertStatus.resolved.value
        alert.resolved_at = now or datetime.now(UTC)
    session.flush()
    for alert in alerts:
        _announce(session, alert, "resolved")
    return len(alerts)


def unresolved(*, session: Session, tenant_id: int, root_key: str) -> Alert | None:
    """The cause's alert while it is not resolved (open or acknowledged)."""
    return _unresolved(session, tenant_id, root_key[:120])


def _announce(session: Session, alert: Alert, change: str) -> None:
    announce(
        session,
        alert.tenant_id,
        "alert",
        id=alert.id,
        kind=alert.kind,
        severity=alert.severity,
        change=change,
    )


def _unresolved(
    session: Session, tenant_id: int, root_key: str, fresh: bool = False
) -> Alert | None:
    batch = memo_of(session, UNRESOLVED) or {}
    if not fresh and (tenant_id, root_key) in batch:
        alert = batch[(tenant_id, root_key)]
        return alert if alert is not None and alert.status != AlertStatus.resolved.value else None
    return session.exec(
        select(Alert).where(
            Alert.tenant_id == tenant_id,
            Alert.root_key == root_key,
            Alert.status != AlertStatus.resolved.value,
        )
    ).first()


@dataclass(frozen=True)
class AlertView:
    id: int
    tenant_id: int
    kind: str
    severity: str
    status: str
    message_key: str
    params: dict[str, Any]
    occurrences: int
    raised_at: datetime
    cabinet: str = ""  # "name (code)" where the page shows it


@dataclass(frozen=True)
class AlertCentre:
    unresolved: int
    newest: list[AlertView]


def _view(r: Alert, cabinets: dict[int, str] | None = None) -> AlertView:
    return AlertView(
        pk(r),
        r.tenant_id,
        r.kind,
        r.severity,
        r.status,
        r.message_key,
        dict(r.params or {}),
        r.occurrences,
        r.raised_at,
        (cabinets or {}).get(r.cabinet_id, "") if r.cabinet_id is not None else "",
    )


def alert_centre(*, session: Session, scope: TenantScope, limit: int = 20) -> AlertCentre:
    """What a console's bell shows: how many alerts are unresolved and the newest of them."""
    unresolved = Alert.status != AlertStatus.resolved.value
    rows = session.exec(
        scoped_select(Alert, scope).where(unresolved).order_by(col(Alert.id).desc()).limit(limit)
    ).all()
    return AlertCentre(
        unresolved=scoped_count(session, Alert, scope, unresolved),
        newest=[_view(r) for r in rows],
    )


def acknowledge(*, session: Session, scope: TenantScope, alert_id: int, actor: Actor) -> Alert:
    """Someone has seen it and is on it: open → acknowledged (resolving stays with the cause)."""
    alert = get_scoped_or_raise(session, Alert, alert_id, scope)
    if alert.status != AlertStatus.open.value:
        return alert
    update_scoped(
        session, Alert, alert_id, scope, {"status": AlertStatus.acknowledged.value}, actor=actor
    )
    _announce(session, alert, "acknowledged")
    return alert


def acknowledge_from_link(
    *, session: Session, tenant_id: int, alert_id: int, via: str, ip: str | None = None
) -> tuple[str, Alert | None]:
    """Someone answered a routed message's link (app/notify/services/links.py, which vouches for the
    tenant and alert): open → acknowledged, audited as from the link `via`. What happened:
    acknowledged, already (acknowledged), resolved or missing."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.tenant_id != tenant_id:
        return "missing", None
    if alert.status != AlertStatus.open.value:
        return ("already" if alert.status == AlertStatus.acknowledged.value else "resolved"), alert
    claimed = session.exec(
        update(Alert)
        .where(col(Alert.id) == alert_id, col(Alert.status) == AlertStatus.open.value)
        .values(status=AlertStatus.acknowledged.value)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # someone acknowledged it a moment ago
        return "already", alert
    session.refresh(alert)
    audit.record(
        session=session,
        action="alert.acknowledge_link",
        entity="alert",
        entity_id=alert.id,
        tenant_id=tenant_id,
        actor_name=via[:60],
        before={"status": AlertStatus.open.value},
        after={"status": AlertStatus.acknowledged.value},
        ip=ip,
    )
    _announce(session, alert, "acknowledged")
    return "acknowledged", alert


ALERT_STATUSES = ("unresolved", "open", "acknowledged", "resolved", "all")


@dataclass(frozen=True)
class AlertPage:
    rows: list[AlertView]
    next_after_id: int | None
    total: int = 0


def list_alerts(
    *,
    session: Session,
    scope: TenantScope,
    status: str = "unresolved",
    kind: str = "",
    after_id: int | None = None,
    limit: int = 50,
) -> AlertPage:
    """The alerts page: newest first, by status and kind, one keyset page at a time."""
    if status not in ALERT_STATUSES:
        raise ValidationError(field="status")
    statement = scoped_select(Alert, scope)
    if status == "unresolved":
        statement = statement.where(Alert.status != AlertStatus.resolved.value)
    elif status != "all":
        statement = statement.where(Alert.status == status)
    if kind:
        statement = statement.where(Alert.kind == kind[:40])
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(Alert.id) < after_id)
    found = session.exec(statement.order_by(col(Alert.id).desc()).limit(limit + 1)).all()
    cabinets = cabinet_labels(session, {r.cabinet_id for r in found[:limit] if r.cabinet_id})
    rows = [_view(r, cabinets) for r in found[:limit]]
    return AlertPage(rows, rows[-1].id if len(found) > limit else None, total)
