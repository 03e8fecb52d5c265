"""Acknowledging an alert from the link in its message: the token must be ours and unexpired, and
the alert open; the audit log names the rule whose message carried the link."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.alerts.models import Alert, AlertStatus
from app.alerts.service import acknowledge_from_link
from app.notify.models import AlertRoute
from app.notify.services.links import AckClaims, verify_ack_token


def _vouched(
    session: Session, token: str, now: datetime | None
) -> tuple[AckClaims, AlertRoute] | None:
    claims = verify_ack_token(token, now)
    if claims is None:
        return None
    route = session.get(AlertRoute, claims.route_id)
    if route is None or route.tenant_id != claims.tenant_id:
        return None
    return claims, route


def alert_for_token(
    *, session: Session, token: str, now: datetime | None = None
) -> tuple[str, Alert | None]:
    """What the link would do, changing nothing (the page a link opens asks before it
    acknowledges: chat apps and mail scanners open links on their own): refused, missing,
    open, already or resolved."""
    vouched = _vouched(session, token, now)
    if vouched is None:
        return "refused", None
    claims = vouched[0]
    alert = session.get(Alert, claims.alert_id)
    if alert is None or alert.tenant_id != claims.tenant_id:
        return "missing", None
    if alert.status == AlertStatus.open.value:
        return "open", alert
    return ("already" if alert.status == AlertStatus.acknowledged.value else "resolved"), alert


def acknowledge_by_token(
    *, session: Session, token: str, ip: str | None = None, now: datetime | None = None
) -> tuple[str, Alert | None]:
    """refused (forged, expired, not ours), missing, acknowledged, already or resolved."""
    vouched = _vouched(session, token, now)
    if vouched is None:
        return "refused", None
    claims, route = vouched
    return acknowledge_from_link(
        session=session,
        tenant_id=claims.tenant_id,
        alert_id=claims.alert_id,
        via=f"link: {route.name}",
        ip=ip,
    )
