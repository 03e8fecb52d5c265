"""Who sends a tenant's texts and with which templates; alert texts with a per-number limit.

Settings resolve per tenant: the tenant's `SmsSettings` row, else the platform's SMS_*
environment (app/core/config.py), else none (development: nothing is sent). Services take a
Session and only flush; the caller owns the transaction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from app.audit.services.records import Actor
from app.cabinets.services.credentials import decrypt_secret, save_sealed_settings
from app.core.config import SmsEnv, get_settings
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope, scoped_select
from app.org.services.validation import normalise_phone
from app.sms.models import SmsMessage, SmsPurpose, SmsSettings, SmsStatus
from app.sms.services.errors import (
    SmsDeliveryError,
    SmsInvalidPhoneError,
    SmsNotConfiguredError,
    SmsRateLimitedError,
)
from app.sms.services.tencent import DEFAULT_ENDPOINT, TencentSmsConfig, TencentSmsSender

# Alert texts per number: at most this many within the window (a storm of alerts must not
# become a storm of texts; the routing's de-duplication comes first, this is the backstop).
ALERT_LIMIT = 10
ALERT_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class SmsRoute:
    """A ready sender and the template ids per purpose (None: that purpose is not set up)."""

    sender: TencentSmsSender
    templates: dict[str, str | None]

    def template(self, purpose: SmsPurpose) -> str:
        template_id = self.templates.get(purpose.value)
        if not template_id:
            raise SmsNotConfiguredError(code=f"no {purpose.value} template")
        return template_id


def platform_route(env: SmsEnv | None = None) -> SmsRoute | None:
    """The platform's sender from the SMS_* environment, or None when not configured."""
    env = env or get_settings().sms
    if env is None:
        return None
    config = TencentSmsConfig(
        secret_id=env.secret_id,
        secret_key=env.secret_key,
        sdk_app_id=env.sdk_app_id,
        sign_name=env.sign_name,
        region=env.region,
        endpoint=env.endpoint,
    )
    templates: dict[str, str | None] = {SmsPurpose.register.value: env.template_register}
    templates[SmsPurpose.alert.value] = env.template_alert
    return SmsRoute(TencentSmsSender(config), templates)


def tenant_settings(session: Session, tenant_id: int) -> SmsSettings | None:
    statement = scoped_select(SmsSettings, TenantScope.single(tenant_id))
    return session.exec(statement).first()


def tenant_route(session: Session, tenant_id: int) -> SmsRoute | None:
    """The tenant's own sender if it has settings, else the platform's, else None."""
    row = tenant_settings(session, tenant_id)
    if row is None:
        return platform_route()
    config = TencentSmsConfig(
        secret_id=row.secret_id,
        secret_key=decrypt_secret(row.secret_key_ciphertext).decode("utf-8"),
        sdk_app_id=row.sdk_app_id,
        sign_name=row.sign_name,
        region=row.region,
        endpoint=row.endpoint or DEFAULT_ENDPOINT,
    )
    templates = {
        SmsPurpose.register.value: row.template_register,
        SmsPurpose.alert.value: row.template_alert,
    }
    return SmsRoute(TencentSmsSender(config), templates)


# --- settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsSettingsInput:
    sdk_app_id: str
    sign_name: str
    secret_id: str
    secret_key: str | None  # None or "": keep the stored one
    template_register: str | None = None
    template_alert: str | None = None
    region: str = "ap-guangzhou"
    endpoint: str | None = None


def _required(field: str, value: str | None, limit: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise ValidationError(field=field)
    return value


def _optional(field: str, value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(field=field)
    return value or None


def _cleaned(values: SmsSettingsInput) -> dict[str, str | None]:
    endpoint = _optional("endpoint", values.endpoint, 255)
    if endpoint and not endpoint.startswith(("https://", "http://")):
        raise ValidationError(field="endpoint")
    sdk_app_id = _required("sdk_app_id", values.sdk_app_id, 32)
    if not sdk_app_id.isdigit():
        raise ValidationError(field="sdk_app_id")
    return {
        "sdk_app_id": sdk_app_id,
        "sign_name": _required("sign_name", values.sign_name, 40),
        "secret_id": _required("secret_id", values.secret_id, 80),
        "region": _required("region", values.region, 32),
        "template_register": _optional("template_register", values.template_register, 32),
        "template_alert": _optional("template_alert", values.template_alert, 32),
        "endpoint": endpoint.rstrip("/") if endpoint else None,
    }


def save_settings(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    values: SmsSettingsInput,
    actor: Actor,
    now: datetime | None = None,
) -> SmsSettings:
    """Create or replace the tenant's SMS settings; the SecretKey is stored encrypted and the
    audit entry names which fields changed, never the key."""
    scope.require(tenant_id)
    return save_sealed_settings(
        session=session,
        model=SmsSettings,
        row=tenant_settings(session, tenant_id),
        tenant_id=tenant_id,
        cleaned=_cleaned(values),
        secret_field="secret_key",
        typed_secret=values.secret_key,
        action="sms.settings",
        actor=actor,
        now=now,
    )


# What a tenant admin types on the settings page; the registration template and the endpoint
# are the platform's (set by `python -m app.sms.cli`) and are kept as stored.
CONSOLE_FIELDS = ("sdk_app_id", "sign_name", "secret_id", "template_alert", "region")


def save_console_settings(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    typed: dict[str, str],
    actor: Actor,
    now: datetime | None = None,
) -> SmsSettings:
    """The settings page's save: the typed fields (an empty SecretKey keeps the stored one)."""
    scope.require(tenant_id)
    row = tenant_settings(session, tenant_id)
    values = SmsSettingsInput(
        **{name: str(typed.get(name, ""))[:128] for name in CONSOLE_FIELDS},
        secret_key=str(typed.get("secret_key", ""))[:200],
        template_register=row.template_register if row else None,
        endpoint=row.endpoint if row else None,
    )
    return save_settings(
        session=session, scope=scope, tenant_id=tenant_id, values=values, actor=actor, now=now
    )


# --- alert texts ---------------------------------------------------------------------------


def _alert_wait_seconds(session: Session, tenant_id: int, phone: str, now: datetime) -> float:
    statement = select(func.count(), func.min(SmsMessage.created_at)).where(
        SmsMessage.tenant_id == tenant_id,
        SmsMessage.phone == phone,
        SmsMessage.purpose == SmsPurpose.alert.value,
        SmsMessage.status == SmsStatus.sent.value,
        col(SmsMessage.created_at) > now - ALERT_WINDOW,
    )
    count, oldest = session.exec(statement).one()
    if count < ALERT_LIMIT or oldest is None:
        return 0.0
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return (oldest + ALERT_WINDOW - now).total_seconds()


def _log(session: Session, tenant_id: int, phone: str, template_id: str, **fields: Any) -> None:
    session.add(
        SmsMessage(
            tenant_id=tenant_id,
            phone=phone,
            purpose=SmsPurpose.alert.value,
            template_id=template_id,
            **fields,
        )
    )
    session.flush()


def send_alert_sms(
    session: Session,
    tenant_id: int,
    phone: str,
    params: Sequence[str],
    *,
    now: datetime | None = None,
) -> None:
    """Text an alert to `phone` with the tenant's alert template and `params` (in the template's
    order). Every attempt is logged (flushed) in `sms_message`. Raises SmsDeliveryError (or a
    subclass: not configured, rate limited — ours or the provider's —, auth, invalid number,
    timeout); its `keep_record` lets a unit of work keep the log row while refusing."""
    now = now or datetime.now(UTC)
    try:
        phone = normalise_phone(phone)
    except ValidationError:
        raise SmsInvalidPhoneError(code="local.bad_phone") from None
    route = tenant_route(session, tenant_id)
    if route is None:
        raise SmsNotConfiguredError(code="no settings")
    template_id = route.template(SmsPurpose.alert)
    wait = _alert_wait_seconds(session, tenant_id, phone, now)
    if wait > 0:
        _log(
            session,
            tenant_id,
            phone,
            template_id,
            status=SmsStatus.refused.value,
            error_code="local.alert_limit",
            created_at=now,
        )
        raise SmsRateLimitedError(code="local.alert_limit", seconds=max(1, math.ceil(wait)))
    try:
        serial = route.sender.send(phone, template_id, params)
    except SmsDeliveryError as failure:
        _log(
            session,
            tenant_id,
            phone,
            template_id,
            status=SmsStatus.failed.value,
            error_code=failure.code[:80],
            created_at=now,
        )
        raise
    _log(
        session,
        tenant_id,
        phone,
        template_id,
        status=SmsStatus.sent.value,
        serial_no=serial[:64],
        created_at=now,
    )


class SmsCodeSender:
    """Registration's CodeSender over SMS: the register template gets [code, minutes valid]."""

    def __init__(self, route: SmsRoute, minutes_valid: int) -> None:
        self.route = route
        self.minutes_valid = minutes_valid

    def send(self, phone: str, code: str) -> None:
        template_id = self.route.template(SmsPurpose.register)
        self.route.sender.send(phone, template_id, [code, str(self.minutes_valid)])
