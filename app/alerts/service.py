"""Alerts: one unresolved alert per root cause; a repeat of the cause counts an occurrence."""

from __future__ import annotations

from datetime import UTC, datetime

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
    alert = session.exec(
        select(Alert).where(
            Alert.tenant_id == tenant_id,
            Alert.root_key == root_key,
            Alert.status != AlertStatus.resolved.value,
        )
    ).first()
    if alert is not None:
        alert.occurrences += 1
        alert.params = params
    else:
        alert = Alert(
            tenant_id=tenant_id,
            cabinet_id=cabinet_id,
            kind=kind,
            root_key=root_key[:120],
            severity=severity.value,
            message_key=message_key,
            params=params,
            raised_at=now or datetime.now(UTC),
        )
        session.add(alert)
    session.flush()
    return alert
