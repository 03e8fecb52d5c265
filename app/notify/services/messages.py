"""What an alert message says, in the platform's default language: the alert as the console shows
it, the cabinet, when it was raised (tenant's local time), and — while it waits for someone — the
link that acknowledges it. Robots get Markdown; SMS and Feishu the same lines as plain text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.alerts.models import Alert, AlertStatus
from app.core.config import get_settings
from app.core.i18n import t
from app.core.model_base import as_utc, pk
from app.notify.models import AlertDelivery, AlertRoute, DeliveryKind
from app.notify.services.links import AckClaims, ack_url, issue_ack_token
from app.reports.services.channels import Message
from app.tenants.models import Tenant


def compose(
    *, session: Session, delivery: AlertDelivery, alert: Alert, route: AlertRoute, now: datetime
) -> Message:
    locale = get_settings().default_locale
    tenant = session.get_one(Tenant, alert.tenant_id)
    severity = t(f"routing.severity.{alert.severity}", locale)
    text = t(alert.message_key, locale, **(alert.params or {}))
    heading = t(f"routing.msg.{delivery.kind}", locale)
    title = f"[{severity}] {heading} · {tenant.name}"
    lines = [f"**{title}**", text]
    raised = _local(alert.raised_at, tenant.timezone)
    lines.append(t("routing.msg.raised_at", locale, at=raised, count=alert.occurrences))
    if delivery.kind == DeliveryKind.escalated.value:
        lines.append(t("routing.msg.unacknowledged", locale, minutes=route.escalate_after_min))
    if delivery.kind == DeliveryKind.resolved.value and alert.resolved_at:
        at = _local(alert.resolved_at, tenant.timezone)
        lines.append(t("routing.msg.resolved_at", locale, at=at))
    elif alert.status == AlertStatus.open.value:
        token = issue_ack_token(AckClaims(alert.tenant_id, pk(alert), pk(route)), now)
        lines.append(t("routing.msg.ack_link", locale, url=ack_url(token)))
    return Message(title, "\n\n".join(lines))


def _local(moment: datetime, timezone: str) -> str:
    return as_utc(moment).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
