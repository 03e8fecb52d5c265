"""Alert messages, planned and sent by a job (`alert_routing_tick`), never inside the request that
raised the alert. `plan_deliveries` finds what each active route owes: a `raised` message for every
unresolved alert it matches, an `escalated` one to the route's second target when the alert is
still open (not acknowledged) N minutes after it was raised, and a `resolved` one to every target
that was told, once the alert is resolved. Each is one AlertDelivery row, unique per (route,
alert, kind, level): an alert is one root cause, so a repeated occurrence finds its row made and
sends nothing, and two workers planning at once make it once. Quiet hours hold a message (its
`next_retry_at` is the end of the quiet hours) unless the alert is critical and the route lets
critical alerts through. `deliver` sends one due row — claimed first, so it goes out once — and on
failure tries again after 1, 5 and 30 minutes before logging it failed."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.alerts.models import Alert, AlertStatus, Severity
from app.cabinets.services.credentials import decrypt_secret
from app.core.model_base import as_utc, pk
from app.core.outbox import claim_due, failure_reason, retry_at
from app.core.tenancy import TenantScope, scoped_select
from app.notify.models import AlertDelivery, AlertRoute, DeliveryKind, RoutedStatus
from app.notify.services import sms
from app.notify.services.messages import compose
from app.reports.services import channels
from app.tenants.models import Tenant

RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
CLAIM_FOR = timedelta(minutes=5)  # a delivery being sent is not picked up by another worker
RESOLVED_LOOKBACK = timedelta(days=7)  # resolutions older than this are not announced any more
RANK = {Severity.info.value: 0, Severity.warning.value: 1, Severity.critical.value: 2}
Key = tuple[int, int, str, int]  # route, alert, kind, level


def matches(route: AlertRoute, alert: Alert) -> bool:
    kinds = route.kinds or []
    return (not kinds or alert.kind in kinds) and RANK.get(alert.severity, 0) >= RANK.get(
        route.min_severity, 0
    )


def quiet_until(route: AlertRoute, severity: str, now: datetime, timezone: str) -> datetime | None:
    """When the route's quiet hours end, if `now` falls in them and they hold this severity."""
    if not route.quiet_start or not route.quiet_end:
        return None
    if severity == Severity.critical.value and route.critical_in_quiet:
        return None
    local = now.astimezone(ZoneInfo(timezone))
    start, end = time.fromisoformat(route.quiet_start), time.fromisoformat(route.quiet_end)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside, end_day = start <= clock < end, local.date()
    else:  # over midnight, e.g. 22:00–07:00
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=0 if clock < end else 1)
    if not inside:
        return None
    return datetime.combine(end_day, end, local.tzinfo).astimezone(UTC)


def _channel(route: AlertRoute, level: int) -> str | None:
    """The channel a level's messages go on; None: the route has no escalation (any more)."""
    return route.channel if level == 1 else route.escalate_channel


def _add(session: Session, route: AlertRoute, alert: Alert, key: Key, at: datetime) -> bool:
    kind, level = key[2], key[3]
    channel = _channel(route, level)
    if channel is None:  # the rule lost its escalation since: no channel (the column is NOT NULL)
        return False
    delivery = AlertDelivery(
        tenant_id=alert.tenant_id,
        route_id=pk(route),
        alert_id=pk(alert),
        kind=kind,
        level=level,
        channel=channel,
        next_retry_at=at,
    )
    try:
        with session.begin_nested():
            session.add(delivery)
            session.flush()
    except IntegrityError:
        return False  # another worker planned it
    return True


def _existing(session: Session, alert_ids: list[int]) -> dict[Key, AlertDelivery]:
    if not alert_ids:
        return {}
    rows = session.exec(select(AlertDelivery).where(col(AlertDelivery.alert_id).in_(alert_ids)))
    return {(d.route_id, d.alert_id, d.kind, d.level): d for d in rows}


def _hold(route: AlertRoute, alert: Alert, now: datetime, timezone: str) -> datetime:
    return quiet_until(route, alert.severity, now, timezone) or now


def _plan_open(session: Session, routes: list[AlertRoute], timezone: str, now: datetime) -> int:
    alerts = session.exec(
        select(Alert).where(
            Alert.tenant_id == routes[0].tenant_id, Alert.status != AlertStatus.resolved.value
        )
    ).all()
    existing = _existing(session, [pk(a) for a in alerts])
    made = 0
    for alert in alerts:
        for route in (r for r in routes if matches(r, alert)):
            key = (pk(route), pk(alert), DeliveryKind.raised.value, 1)
            if key not in existing:
                made += _add(session, route, alert, key, _hold(route, alert, now, timezone))
            if not route.escalate_after_min or alert.status != AlertStatus.open.value:
                continue
            due = as_utc(alert.raised_at) + timedelta(minutes=route.escalate_after_min)
            key = (pk(route), pk(alert), DeliveryKind.escalated.value, 2)
            if now >= due and key not in existing:
                made += _add(session, route, alert, key, _hold(route, alert, now, timezone))
    return made


def _plan_resolved(session: Session, routes: list[AlertRoute], timezone: str, now: datetime) -> int:
    by_id = {pk(r): r for r in routes}
    told = session.exec(
        select(AlertDelivery, Alert)
        .join(Alert, col(Alert.id) == AlertDelivery.alert_id)
        .where(
            col(AlertDelivery.route_id).in_(list(by_id)),
            AlertDelivery.kind != DeliveryKind.resolved.value,
            Alert.status == AlertStatus.resolved.value,
            col(Alert.resolved_at) >= now - RESOLVED_LOOKBACK,
        )
    ).all()
    existing = _existing(session, sorted({pk(a) for _, a in told}))
    made = 0
    for delivery, alert in told:
        if delivery.status == RoutedStatus.pending.value:
            delivery.status, delivery.next_retry_at = RoutedStatus.cancelled.value, None
            continue  # held or retrying, and now moot: no message, and none to take it back
        key = (delivery.route_id, pk(alert), DeliveryKind.resolved.value, delivery.level)
        if delivery.status == RoutedStatus.sent.value and key not in existing:
            route = by_id[delivery.route_id]
            made += _add(session, route, alert, key, _hold(route, alert, now, timezone))
    session.flush()
    return made


def plan_deliveries(*, session: Session, now: datetime | None = None) -> int:
    """Every message the active routes owe now, as pending deliveries (a system job, all
    tenants). How many were planned."""
    now = now or datetime.now(UTC)
    routes = session.exec(
        scoped_select(AlertRoute, TenantScope.platform()).where(AlertRoute.is_active)
    ).all()
    by_tenant: dict[int, list[AlertRoute]] = defaultdict(list)
    for route in routes:
        by_tenant[route.tenant_id].append(route)
    made = 0
    for tenant_id, tenant_routes in sorted(by_tenant.items()):
        timezone = session.get_one(Tenant, tenant_id).timezone
        made += _plan_open(session, tenant_routes, timezone, now)
        made += _plan_resolved(session, tenant_routes, timezone, now)
    return made


def due_deliveries(*, session: Session, now: datetime | None = None) -> list[int]:
    now = now or datetime.now(UTC)
    ids = session.exec(
        select(AlertDelivery.id)
        .where(
            AlertDelivery.status == RoutedStatus.pending.value,
            col(AlertDelivery.next_retry_at) <= now,
        )
        .order_by(col(AlertDelivery.id))
    ).all()
    return [i for i in ids if i is not None]  # all of them: primary keys


def _target(route: AlertRoute, level: int) -> tuple[str, str | None]:
    target, sealed = (
        (route.target, route.secret_ciphertext)
        if level == 1
        else (route.escalate_target, route.escalate_secret_ciphertext)
    )
    return target or "", decrypt_secret(sealed).decode() if sealed else None


def send(
    channel: str,
    target: str,
    secret: str | None,
    message: channels.Message,
    *,
    session: Session,
    tenant_id: int,
) -> None:
    """One message on one channel; raises DeliveryError with the reason when it did not go."""
    if channel == "sms":
        text = message.markdown.replace("**", "")
        for phone in target.split(","):
            sms.send_sms(phone, text, session=session, tenant_id=tenant_id, title=message.title)
        return
    channels.SENDERS[channel](target, secret, message)


def _moot(delivery: AlertDelivery, alert: Alert, route: AlertRoute) -> bool:
    """A message overtaken while it waited: its rule was switched off or lost its escalation,
    its escalation was acknowledged, or its alert resolved before anyone was told."""
    if not route.is_active or (delivery.level == 2 and not route.escalate_target):
        return True
    if delivery.kind == DeliveryKind.escalated.value:
        return alert.status != AlertStatus.open.value
    return delivery.kind == DeliveryKind.raised.value and alert.status == AlertStatus.resolved.value


def deliver(*, session: Session, delivery_id: int, now: datetime | None = None) -> str:
    """Send one due delivery (claimed first: two workers never send it twice); its status."""
    now = now or datetime.now(UTC)
    delivery = claim_due(
        session, AlertDelivery, delivery_id, due="next_retry_at", now=now, hold=CLAIM_FOR
    )
    if delivery is None:
        return "skipped"
    alert = session.get_one(Alert, delivery.alert_id)
    route = session.get_one(AlertRoute, delivery.route_id)
    if _moot(delivery, alert, route):
        delivery.status, delivery.next_retry_at = RoutedStatus.cancelled.value, None
        session.flush()
        return delivery.status
    delivery.attempts += 1
    try:
        with session.begin_nested():  # a failure in here leaves the delivery's row writable
            message = compose(session=session, delivery=delivery, alert=alert, route=route, now=now)
        target, secret = _target(route, delivery.level)
        channel = _channel(route, delivery.level)
        if channel is None:  # never: not moot, so it has an escalation target, set with a channel
            raise ValueError(f"alert route {route.id} has no escalation channel")
        delivery.channel = channel
        send(
            delivery.channel,
            target,
            secret,
            message,
            session=session,
            tenant_id=delivery.tenant_id,
        )
    except Exception as failed:  # the channel's refusal, or our own fault: retried alike
        delivery.last_error = failure_reason(failed, channels.DeliveryError)
        delivery.next_retry_at = retry_at(delivery.attempts, now, RETRY_AFTER)
        if delivery.next_retry_at is None:
            delivery.status = RoutedStatus.failed.value
        session.flush()
        return delivery.status
    delivery.status, delivery.sent_at = RoutedStatus.sent.value, now
    delivery.last_error, delivery.next_retry_at = None, None
    session.flush()
    return delivery.status
