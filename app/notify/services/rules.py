"""Alert routes: a tenant's rules for which alerts reach whom. A rule names alert kinds (none: all)
and a minimum severity, a channel with its target (a robot's webhook URL, e-mail addresses or
phone numbers, comma-separated) and, for DingTalk/Feishu, the robot's signing secret (kept
encrypted). Optional quiet hours in the tenant's local time hold warnings and infos until they end;
critical alerts go out during them unless the rule says otherwise. Optional escalation: an alert
still not acknowledged N minutes after it was raised goes once to a second target.
Every change is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app.alerts.models import Severity
from app.audit.services.records import Actor, choice, delete_scoped, record_created, update_scoped
from app.cabinets.services.credentials import encrypt_secret
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.notify.models import AlertRoute, RouteChannel
from app.tenants.models import ProviderStaff, Tenant

EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")
PHONE = re.compile(r"^\+?[0-9]{6,15}$")
WEBHOOK = re.compile(r"^https?://[^\s/]+/\S*$")
CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
ALERT_KINDS = (
    "cabinet_offline",
    "low_stock",
    "door_left_open",
    "ledger_mismatch",
    "quota_exceeded",
    "restricted_taken",
    "seq_gap",
    "alarm_tamper",
    "alarm_door_forced",
    "alarm_door_left_open",
    "alarm_scale_fault",
    "alarm_rfid_fault",
    "alarm_power_loss",
)
SIGNED = ("dingtalk", "feishu")


@dataclass(frozen=True)
class RouteSpec:
    name: str
    channel: str
    target: str
    kinds: list[str] = field(default_factory=list)
    min_severity: str = Severity.warning.value
    secret: str = ""  # empty on an edit: the stored secret is kept
    quiet_start: str = ""
    quiet_end: str = ""
    critical_in_quiet: bool = True
    escalate_after_min: int | None = None
    escalate_channel: str = ""
    escalate_target: str = ""
    escalate_secret: str = ""
    is_active: bool = True


def checked_target(channel: str, target: str, name: str = "target") -> str:
    """The target, trimmed; several addresses or numbers are comma-separated."""
    target = (target or "").strip()
    if channel in ("email", "sms"):
        parts = [p.strip() for p in target.split(",") if p.strip()]
        pattern = EMAIL if channel == "email" else PHONE
        if not parts or len(parts) > 10 or not all(pattern.match(p) for p in parts):
            raise ValidationError(field=name)
        target = ",".join(parts)
    elif not WEBHOOK.match(target):
        raise ValidationError(field=name)
    if len(target) > 500:
        raise ValidationError(field=name)
    return target


def _sealed(channel: str, secret: str, name: str) -> str | None:
    secret = (secret or "").strip()
    if len(secret) > 200 or (secret and channel not in SIGNED):
        raise ValidationError(field=name)
    return encrypt_secret(secret.encode()) if secret else None


def _columns(spec: RouteSpec) -> dict[str, Any]:
    name = (spec.name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(field="name")
    channel = choice(spec.channel, RouteChannel, "channel")
    kinds = sorted({k for k in spec.kinds if k})
    if any(k not in ALERT_KINDS for k in kinds):
        raise ValidationError(field="kinds")
    quiet = ((spec.quiet_start or "").strip(), (spec.quiet_end or "").strip())
    if any(quiet) and not (all(CLOCK.match(q) for q in quiet) and quiet[0] != quiet[1]):
        raise ValidationError(field="quiet_hours")
    columns: dict[str, Any] = {
        "name": name,
        "channel": channel,
        "target": checked_target(channel, spec.target),
        "kinds": kinds or None,
        "min_severity": choice(spec.min_severity, Severity, "min_severity"),
        "quiet_start": quiet[0] or None,
        "quiet_end": quiet[1] or None,
        "critical_in_quiet": bool(spec.critical_in_quiet),
        "is_active": bool(spec.is_active),
        "escalate_after_min": None,
        "escalate_channel": None,
        "escalate_target": None,
    }
    if spec.escalate_after_min:
        minutes = spec.escalate_after_min
        if not isinstance(minutes, int) or not 1 <= minutes <= 7 * 24 * 60:
            raise ValidationError(field="escalate_after_min")
        escalate_channel = choice(spec.escalate_channel, RouteChannel, "escalate_channel")
        columns |= {
            "escalate_after_min": minutes,
            "escalate_channel": escalate_channel,
            "escalate_target": checked_target(
                escalate_channel, spec.escalate_target, "escalate_target"
            ),
        }
    return columns


def create_route(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    spec: RouteSpec,
    actor: Actor,
    provider_id: int | None = None,
) -> AlertRoute:
    """A new rule for `tenant_id`; the first wrong field is named."""
    if session.get(Tenant, tenant_id) is None or not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    columns = _columns(spec)
    route = AlertRoute(
        tenant_id=tenant_id,
        provider_id=provider_id,
        secret_ciphertext=_sealed(columns["channel"], spec.secret, "secret"),
        escalate_secret_ciphertext=(
            _sealed(columns["escalate_channel"], spec.escalate_secret, "escalate_secret")
            if columns["escalate_channel"]
            else None
        ),
        **columns,
    )
    session.add(route)
    session.flush()
    record_created(session, route, actor=actor)
    return route


def update_route(
    *, session: Session, scope: TenantScope, route_id: int, spec: RouteSpec, actor: Actor
) -> AlertRoute:
    """Change a rule; an empty secret keeps the stored one (unless the channel cannot sign)."""
    route = get_scoped_or_raise(session, AlertRoute, route_id, scope)
    changes = _columns(spec)
    if spec.secret or changes["channel"] not in SIGNED:
        changes["secret_ciphertext"] = _sealed(changes["channel"], spec.secret, "secret")
    else:
        changes["secret_ciphertext"] = route.secret_ciphertext
    escalate_channel = changes["escalate_channel"]
    if spec.escalate_secret or escalate_channel not in SIGNED:
        changes["escalate_secret_ciphertext"] = (
            _sealed(escalate_channel, spec.escalate_secret, "escalate_secret")
            if escalate_channel
            else None
        )
    return update_scoped(session, AlertRoute, route_id, scope, changes, actor=actor)


def delete_route(*, session: Session, scope: TenantScope, route_id: int, actor: Actor) -> None:
    """Remove a rule and its delivery log (the audit log keeps what it was)."""
    delete_scoped(session, AlertRoute, route_id, scope, actor=actor)


def get_route(*, session: Session, scope: TenantScope, route_id: int) -> AlertRoute:
    return get_scoped_or_raise(session, AlertRoute, route_id, scope)


def list_routes(*, session: Session, scope: TenantScope) -> list[AlertRoute]:
    return list(
        session.exec(
            scoped_select(AlertRoute, scope).order_by(col(AlertRoute.tenant_id), col(AlertRoute.id))
        ).all()
    )


def provider_of(*, session: Session, account_id: int) -> int | None:
    """The provider a provider's person works for (their rules are marked as the provider's)."""
    staff = session.exec(select(ProviderStaff).where(ProviderStaff.account_id == account_id))
    found = staff.first()
    return found.provider_id if found else None
