"""Report subscriptions: a person asks for a report every day, week or month, delivered by
e-mail or to a group robot (app/reports/services/channels.py). At 08:00 in the tenant's time zone
after each period ends, `generate_due` makes that period's run — once, whatever the number of
workers: the run is unique per (subscription, period start) — and queues its delivery; `deliver`
sends it, and on failure tries again after 1, 5, 30 and 120 minutes before giving up. Each attempt's
outcome stays on the delivery row, which the subscriber sees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.services.records import Actor, choice, owned_id, record_created, update_scoped
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import decrypt_secret, encrypt_secret
from app.core.config import get_settings
from app.core.errors import ValidationError
from app.core.i18n import t
from app.core.model_base import as_utc, pk
from app.core.outbox import claim_due, failure_reason, retry_at
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.org.models import Department
from app.reports.models import (
    Channel,
    DeliveryStatus,
    ReportDelivery,
    ReportRun,
    ReportSubscription,
    RunStatus,
)
from app.reports.queries import consumption as c
from app.reports.services import channels
from app.reports.services.exports import consumption_file, file_name
from app.reports.services.periods import Period, period_of
from app.reports.services.reports import consumption_report
from app.tenants.models import Tenant

DELIVER_AT = time(8, 0)  # local: the morning after the period ends
KINDS = ("day", "week", "month")
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
CLAIM_FOR = timedelta(minutes=5)  # a delivery being sent is not picked up by another worker
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOP = 5


@dataclass(frozen=True)
class SubscriptionSpec:
    kind: str
    channel: str
    target: str
    secret: str = ""
    department_id: int | None = None
    cabinet_id: int | None = None


def next_run(kind: str, after: datetime, timezone: str) -> datetime:
    """The first delivery moment (08:00 local after a period of `kind` ends) later than `after`."""
    zone = ZoneInfo(timezone)
    day = after.astimezone(zone).date()
    for _ in range(40):
        if _starts_period(kind, day):
            moment = datetime.combine(day, DELIVER_AT, zone).astimezone(UTC)
            if moment > after:
                return moment
        day += timedelta(days=1)
    raise ValidationError(field="period")


def _starts_period(kind: str, day: date) -> bool:
    if kind == "week":
        return day.weekday() == 0
    return kind == "day" or day.day == 1


def period_reported(kind: str, run_at: datetime, timezone: str) -> Period:
    """The period a delivery at `run_at` reports: the one that ended just before it."""
    return period_of(kind, run_at.astimezone(ZoneInfo(timezone)).date() - timedelta(days=1))


def _checked_target(channel: str, target: str) -> str:
    target = (target or "").strip()
    if channel == Channel.email.value:
        if not EMAIL.match(target) or len(target) > 254:
            raise ValidationError(field="target")
    elif not re.match(r"^https?://[^\s/]+/\S*$", target) or len(target) > 500:
        raise ValidationError(field="target")
    return target


def subscribe(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    account_id: int,
    spec: SubscriptionSpec,
    actor: Actor,
    now: datetime | None = None,
) -> ReportSubscription:
    """A subscription of `account_id`; the first wrong field is named."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None or not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    kind = spec.kind if spec.kind in KINDS else None
    if kind is None:
        raise ValidationError(field="period")
    channel = choice(spec.channel, Channel, "channel")
    target = _checked_target(channel, spec.target)
    secret = (spec.secret or "").strip()
    if len(secret) > 200 or (secret and channel not in ("dingtalk", "feishu")):
        raise ValidationError(field="secret")
    filters = {}
    if spec.department_id is not None:
        filters["department_id"] = owned_id(
            session, Department, spec.department_id, tenant_id, "department"
        )
    if spec.cabinet_id is not None:
        filters["cabinet_id"] = owned_id(session, Cabinet, spec.cabinet_id, tenant_id, "cabinet")
    subscription = ReportSubscription(
        tenant_id=tenant_id,
        account_id=account_id,
        report_type="consumption",
        period=kind,
        filters=filters or None,
        channel=channel,
        target=target,
        secret_ciphertext=encrypt_secret(secret.encode()) if secret else None,
        next_run_at=next_run(kind, now or datetime.now(UTC), tenant.timezone),
    )
    session.add(subscription)
    session.flush()
    record_created(session, subscription, actor=actor)
    return subscription


def set_active(
    *,
    session: Session,
    scope: TenantScope,
    account_id: int,
    subscription_id: int,
    active: bool,
    actor: Actor,
    now: datetime | None = None,
) -> ReportSubscription:
    """Pause or resume one's own subscription (resumed: from the next period on)."""
    subscription = get_scoped_or_raise(session, ReportSubscription, subscription_id, scope)
    if subscription.account_id != account_id:
        raise ValidationError(field="subscription")
    changes: dict[str, Any] = {"is_active": active}
    if active and not subscription.is_active:
        tenant = session.get_one(Tenant, subscription.tenant_id)
        changes["next_run_at"] = next_run(
            subscription.period, now or datetime.now(UTC), tenant.timezone
        )
    return update_scoped(session, ReportSubscription, subscription_id, scope, changes, actor=actor)


def generate_due(*, session: Session, now: datetime | None = None) -> list[int]:
    """Every subscription due: its run for the period that ended (made once: a second worker
    finds it made and skips), its delivery queued, its next moment set. The new runs' ids."""
    now = now or datetime.now(UTC)
    due = session.exec(
        scoped_select(ReportSubscription, TenantScope.platform()).where(
            ReportSubscription.is_active, col(ReportSubscription.next_run_at) <= now
        )
    ).all()
    made = []
    for subscription in due:
        timezone = session.get_one(Tenant, subscription.tenant_id).timezone
        run_at = as_utc(subscription.next_run_at)
        if run_at is None:  # never: the query picks the rows with next_run_at <= now
            raise ValueError(f"report subscription {subscription.id} has no next run")
        period = period_reported(subscription.period, run_at, timezone)
        start, end = period.bounds(timezone)
        run = ReportRun(
            tenant_id=subscription.tenant_id,
            subscription_id=subscription.id,
            report_type=subscription.report_type,
            period_start=start,
            period_end=end,
            filters=subscription.filters,
        )
        try:
            with session.begin_nested():
                session.add(run)
                session.flush()
        except IntegrityError:
            continue  # another worker made this period's run
        session.add(
            ReportDelivery(
                tenant_id=run.tenant_id,
                run_id=pk(run),
                channel=subscription.channel,
                next_attempt_at=now,
            )
        )
        subscription.next_run_at = next_run(subscription.period, max(now, run_at), timezone)
        made.append(pk(run))
    session.flush()
    return made


def due_deliveries(*, session: Session, now: datetime | None = None) -> list[int]:
    now = now or datetime.now(UTC)
    ids = session.exec(
        select(ReportDelivery.id).where(
            ReportDelivery.status == DeliveryStatus.pending.value,
            col(ReportDelivery.next_attempt_at) <= now,
        )
    ).all()
    return [i for i in ids if i is not None]  # all of them: primary keys


def deliver(*, session: Session, delivery_id: int, now: datetime | None = None) -> str:
    """Send one due delivery (claimed first, so two workers never send it twice); its status."""
    now = now or datetime.now(UTC)
    delivery = claim_due(
        session, ReportDelivery, delivery_id, due="next_attempt_at", now=now, hold=CLAIM_FOR
    )
    if delivery is None:
        return "skipped"
    run = session.get_one(ReportRun, delivery.run_id)
    subscription = session.get_one(ReportSubscription, run.subscription_id)
    delivery.attempts += 1
    try:
        with session.begin_nested():  # a failure in here leaves the delivery's row writable
            message = _message(session, run)
        secret = (
            decrypt_secret(subscription.secret_ciphertext).decode()
            if subscription.secret_ciphertext
            else None
        )
        channels.SENDERS[delivery.channel](subscription.target, secret, message)
    except Exception as failed:  # the channel's refusal, or our own fault: retried alike
        delivery.last_error = failure_reason(failed, channels.DeliveryError)
        delivery.next_attempt_at = retry_at(delivery.attempts, now, RETRY_AFTER)
        if delivery.next_attempt_at is None:
            delivery.status, run.status = DeliveryStatus.failed.value, RunStatus.failed.value
        session.flush()
        return delivery.status
    delivery.status, delivery.delivered_at = DeliveryStatus.sent.value, now
    delivery.last_error, delivery.next_attempt_at = None, None
    run.status, run.progress, run.finished_at = RunStatus.done.value, 100, now
    session.flush()
    return delivery.status


def _run_period(session: Session, run: ReportRun) -> tuple[Period, str]:
    subscription = session.get_one(ReportSubscription, run.subscription_id)
    tenant = session.get_one(Tenant, run.tenant_id)
    first = as_utc(run.period_start).astimezone(ZoneInfo(tenant.timezone)).date()
    return period_of(subscription.period, first), tenant.name


def _message(session: Session, run: ReportRun) -> channels.Message:
    """The report's summary in Markdown (totals, the top departments and items) and, for
    e-mail, the whole report as XLSX."""
    locale = get_settings().default_locale
    period, tenant_name = _run_period(session, run)
    filters = c.Filters(**(run.filters or {}))
    scope = TenantScope.single(run.tenant_id)
    report = consumption_report(session=session, scope=scope, period=period, filters=filters)
    totals = report.totals
    lines = [
        f"**{tenant_name} · {t('reports.title', locale)} · {period.label()}**",
        t("reports.summary", locale, withdrawals=totals.withdrawals, people=totals.people,
          quantity=totals.quantity, cost=f"{totals.cost_cents / 100:,.2f}"),
    ]  # fmt: skip
    for by in ("department", "item"):
        rows = report.sections[by][:TOP]
        if rows:
            lines.append(f"**{t(f'reports.by.{by}', locale)}**")
            lines += [
                f"{n}. {r.label or t('reports.unassigned', locale)} · "
                f"{r.figures.quantity} · ¥{r.figures.cost_cents / 100:,.2f}"
                for n, r in enumerate(rows, start=1)
            ]
    subscription = session.get_one(ReportSubscription, run.subscription_id)
    attachment = None
    if subscription.channel == Channel.email.value:
        data = consumption_file(
            session=session, scope=scope, period=period, filters=filters, fmt="xlsx",
            locale=locale,
        )  # fmt: skip
        attachment = (file_name(period, "xlsx"), data)
    title = f"{tenant_name} {t('reports.title', locale)} {period.label()}"
    return channels.Message(title, "\n\n".join(lines), attachment)


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    kind: str
    channel: str
    target: str
    is_active: bool
    next_run_at: datetime | None
    last_status: str  # "" (nothing sent yet), pending, sent, failed
    last_error: str
    last_attempts: int
    last_period: str


def my_subscriptions(
    *, session: Session, scope: TenantScope, account_id: int
) -> list[SubscriptionView]:
    """One's subscriptions, each with its latest delivery: how it went, and why not."""
    subscriptions = session.exec(
        scoped_select(ReportSubscription, scope)
        .where(ReportSubscription.account_id == account_id)
        .order_by(col(ReportSubscription.id))
    ).all()
    views = []
    for s in subscriptions:
        latest = session.exec(
            select(ReportDelivery, ReportRun)
            .join(ReportRun, col(ReportRun.id) == ReportDelivery.run_id)
            .where(ReportRun.subscription_id == s.id)
            .order_by(col(ReportDelivery.id).desc())
        ).first()
        delivery, run = latest if latest else (None, None)
        views.append(
            SubscriptionView(
                pk(s),
                s.period,
                s.channel,
                _shown_target(s.channel, s.target),
                s.is_active,
                s.next_run_at,
                delivery.status if delivery else "",
                (delivery.last_error or "") if delivery else "",
                delivery.attempts if delivery else 0,
                _run_period(session, run)[0].label() if run else "",
            )
        )
    return views


def _shown_target(channel: str, target: str) -> str:
    """A robot's URL carries its access key: shown without the query string."""
    return target if channel == Channel.email.value else target.split("?", 1)[0] + "?…"
