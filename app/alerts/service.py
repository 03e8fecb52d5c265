"""Alerts: one unresolved alert per root cause; a repeat of the cause counts an occurrence."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.alerts.models import Alert, AlertStatus, Severity


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
            return alert
        except IntegrityError:
            alert = _unresolved(session, tenant_id, root_key)
    alert.occurrences = Alert.occurrences + 1  # in SQL: two raisers at once both count
    alert.params = params
    session.flush()
    session.refresh(alert, ["occurrences"])
    return alert


def _unresolved(session: Session, tenant_id: int, root_key: str) -> Alert | None:
    return session.exec(
        select(Alert).where(
            Alert.tenant_id == tenant_id,
            Alert.root_key == root_key,
            Alert.status != AlertStatus.resolved.value,
        )
    ).first()
