"""What the alert routing page shows: the rules (targets without a robot's access key) and the
delivery log, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.alerts.models import Alert
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scope_filter
from app.notify.models import AlertDelivery, AlertRoute
from app.notify.services.rules import list_routes
from app.tenants.models import Tenant


@dataclass(frozen=True)
class RouteView:
    id: int
    tenant: str
    name: str
    kinds: list[str]
    min_severity: str
    channel: str
    target: str
    quiet: str  # "22:00–07:00" or ""
    escalate_after_min: int | None
    escalate_channel: str
    escalate_target: str
    is_active: bool
    critical_in_quiet: bool


@dataclass(frozen=True)
class DeliveryView:
    id: int
    at: datetime
    route: str
    message_key: str
    params: dict[str, Any]
    kind: str
    level: int
    channel: str
    status: str
    attempts: int
    last_error: str


def shown_target(channel: str, target: str) -> str:
    """A robot's URL carries its access key: shown without the query string."""
    if channel in ("email", "sms") or not target:
        return target
    return target.split("?", 1)[0] + ("?…" if "?" in target else "")


def route_views(*, session: Session, scope: TenantScope) -> list[RouteView]:
    names = dict(session.exec(select(Tenant.id, Tenant.name)).all())
    return [
        RouteView(
            pk(r),
            names.get(r.tenant_id, ""),
            r.name,
            list(r.kinds or []),
            r.min_severity,
            r.channel,
            shown_target(r.channel, r.target),
            f"{r.quiet_start}–{r.quiet_end}" if r.quiet_start else "",
            r.escalate_after_min,
            r.escalate_channel or "",
            shown_target(r.escalate_channel or "", r.escalate_target or ""),
            r.is_active,
            r.critical_in_quiet,
        )
        for r in list_routes(session=session, scope=scope)
    ]


def delivery_log(*, session: Session, scope: TenantScope, limit: int = 50) -> list[DeliveryView]:
    rows = session.exec(
        select(AlertDelivery, AlertRoute.name, Alert.message_key, Alert.params)
        .where(scope_filter(AlertDelivery, scope))
        .join(AlertRoute, col(AlertRoute.id) == AlertDelivery.route_id)
        .join(Alert, col(Alert.id) == AlertDelivery.alert_id)
        .order_by(col(AlertDelivery.id).desc())
        .limit(limit)
    ).all()
    return [
        DeliveryView(
            pk(d),
            d.sent_at or d.created_at,
            name,
            key,
            dict(params or {}),
            d.kind,
            d.level,
            d.channel,
            d.status,
            d.attempts,
            d.last_error or "",
        )
        for d, name, key, params in rows
    ]
