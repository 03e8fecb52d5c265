"""Cabinet utilisation and uptime over a period, summed in SQL: per cabinet, the visits that
closed in it, what was taken (app/reports/queries/consumption.py), and how long the cabinet was
offline — the overlap of its offline alerts (raised when heartbeats stop, resolved when one comes
back: app/cabinets/services/presence.py) with the period, up to now for a period still running — so
uptime is the share of the elapsed period it was reachable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from app.alerts.models import Alert
from app.cabinets.models import Cabinet
from app.core.model_base import pk
from app.reports.queries import consumption as c
from app.withdrawals.models import DoorSession, SessionStatus

OFFLINE = "cabinet_offline"
CLOSED = (SessionStatus.committed.value, SessionStatus.exception.value)


@dataclass(frozen=True)
class CabinetRow:
    cabinet_id: int
    label: str
    detail: str
    visits: int
    withdrawals: int
    quantity: int
    cost_cents: int
    offline_minutes: int
    uptime: float  # 0–1 of the elapsed period


def _offline_seconds(session: Session, start: datetime, end: datetime) -> Any:
    """Seconds of each alert's [raised, resolved or end) inside [start, end), in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        until = func.least(func.coalesce(Alert.resolved_at, end), end)
        since = func.greatest(Alert.raised_at, start)
        return func.greatest(0, func.extract("epoch", until - since))
    until = func.min(func.coalesce(Alert.resolved_at, end), end)  # SQLite: scalar min/max
    since = func.max(Alert.raised_at, start)
    return func.max(0, (func.julianday(until) - func.julianday(since)) * 86400.0)


def cabinet_report(
    *, session: Session, win: c.Window, now: datetime | None = None
) -> list[CabinetRow]:
    """Every cabinet of the window's tenants, most visited first."""
    now = now or datetime.now(UTC)
    cabinets = session.exec(
        select(Cabinet).where(col(Cabinet.tenant_id).in_(list(win.tenants))).order_by(Cabinet.code)
    ).all()
    taken = {r.key: r.figures for r in c.breakdown(session=session, win=win, by="cabinet")}
    visits: dict[int, int] = {}
    offline: dict[int, float] = {}
    elapsed: dict[int, float] = {}
    for tenant, (start, end, _) in win.tenants.items():
        stop = min(end, now)
        elapsed[tenant] = max((stop - start).total_seconds(), 0.0)
        if stop <= start:
            continue
        for cabinet_id, n in session.exec(
            select(DoorSession.cabinet_id, func.count())
            .where(
                DoorSession.tenant_id == tenant,
                col(DoorSession.closed_at) >= start,
                col(DoorSession.closed_at) < stop,
                col(DoorSession.status).in_(CLOSED),
            )
            .group_by(col(DoorSession.cabinet_id))
        ).all():
            visits[cabinet_id] = int(n)
        seconds = _offline_seconds(session, start, stop)
        for alerted, total in session.exec(
            select(Alert.cabinet_id, func.sum(seconds))
            .where(
                Alert.tenant_id == tenant,
                Alert.kind == OFFLINE,
                col(Alert.cabinet_id).is_not(None),
                Alert.raised_at < stop,
                and_(func.coalesce(Alert.resolved_at, stop) > start),
            )
            .group_by(col(Alert.cabinet_id))
        ).all():
            if alerted is not None:  # so selected
                offline[alerted] = float(total or 0)
    rows = []
    for cabinet in cabinets:
        figures = taken.get(cabinet.id, c.Figures(0, 0, 0))
        span = elapsed.get(cabinet.tenant_id, 0.0)
        down = min(offline.get(pk(cabinet), 0.0), span)
        rows.append(
            CabinetRow(
                pk(cabinet), cabinet.name, cabinet.code, visits.get(pk(cabinet), 0), figures.count,
                figures.quantity, figures.cost_cents, round(down / 60),
                round(1 - down / span, 4) if span else 1.0,
            )
        )  # fmt: skip
    return sorted(rows, key=lambda r: (-r.visits, r.detail))
