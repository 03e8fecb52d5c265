"""SMS settings per tenant, the alert text path with its per-number limit, and registration's
codes over the real sender — all against the local receiver."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.cabinets.services.credentials import decrypt_secret
from app.core.config import SettingsError, load_settings
from app.core.errors import DomainError, PermissionDeniedError, ValidationError
from app.core.tenancy import TenantScope
from app.registration.models import VerificationCode
from app.registration.services.registration import register, request_code
from app.registration.services.sender import LoggingSender, get_sender, set_sender
from app.registration.services.whitelist import add_whitelist
from app.sms.models import SmsMessage, SmsSettings
from app.sms.services import sms as service
from app.sms.services.errors import (
    SmsAuthError,
    SmsDeliveryError,
    SmsInvalidPhoneError,
    SmsNotConfiguredError,
    SmsRateLimitedError,
)
from app.sms.services.sms import SmsCodeSender, SmsSettingsInput, save_settings, send_alert_sms
from tests.factories import make_tenant
from tests.sms.conftest import APP_ID, SECRET_ID, SECRET_KEY

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="企业管理员", ip="10.0.0.9")
PHONE = "13912345678"


def _settings(url: str, *, secret_key: str | None = SECRET_KEY, **extra: str) -> SmsSettingsInput:
    values = {
        "sdk_app_id": APP_ID,
        "sign_name": "某某企业",
        "secret_id": SECRET_ID,
        "secret_key": secret_key,
        "template_register": "200001",
        "template_alert": "200002",
        "endpoint": url,
        **extra,
    }
    return SmsSettingsInput(**values)


def _save(session: Session, tenant_id: int, values: SmsSettingsInput) -> SmsSettings:
    return save_settings(
        session=session,
        scope=TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        values=values,
        actor=ADMIN,
        now=NOW,
    )


# --- settings ------------------------------------------------------------------------------


def test_the_secret_key_is_stored_encrypted_and_never_audited(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    row = _save(session, tenant.id, _settings(receiver.url))
    assert SECRET_KEY not in row.secret_key_ciphertext
    assert decrypt_secret(row.secret_key_ciphertext).decode() == SECRET_KEY
    [entry] = session.exec(select(AuditLog).where(AuditLog.action == "sms.settings")).all()
    assert SECRET_KEY not in str(entry.after) and entry.after["secret_key_changed"] is True


def test_saving_without_a_key_keeps_the_stored_one(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    first = _save(session, tenant.id, _settings(receiver.url))
    ciphertext = first.secret_key_ciphertext
    second = _save(session, tenant.id, _settings(receiver.url, secret_key="", sign_name="新签名"))
    assert second.id == first.id and second.sign_name == "新签名"
    assert second.secret_key_ciphertext == ciphertext


def test_the_settings_page_keeps_what_only_the_platform_sets(session: Session, receiver) -> None:
    """The page sends what it shows (and whatever else a crafted message adds): the registration
    template and the endpoint stay as stored, an empty key keeps the stored key."""
    tenant = make_tenant(session)
    stored = _save(session, tenant.id, _settings(receiver.url))
    typed = {
        "sdk_app_id": APP_ID,
        "sign_name": "海天贸易",
        "secret_id": SECRET_ID,
        "secret_key": "",
        "template_alert": "200009",
        "region": "ap-beijing",
        "template_register": "999999",
        "endpoint": "https://elsewhere.example",
    }
    row = service.save_console_settings(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        typed=typed,
        actor=ADMIN,
        now=NOW,
    )
    assert (row.sign_name, row.template_alert, row.region) == ("海天贸易", "200009", "ap-beijing")
    assert (row.template_register, row.endpoint) == ("200001", receiver.url)
    assert row.secret_key_ciphertext == stored.secret_key_ciphertext


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("sdk_app_id", {"sdk_app_id": "app-1"}),
        ("sign_name", {"sign_name": " "}),
        ("secret_id", {"secret_id": ""}),
        ("endpoint", {"endpoint": "ftp://x"}),
    ],
)
def test_bad_settings_name_the_field(session: Session, field: str, extra: dict) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as caught:
        _save(session, tenant.id, _settings("https://sms.tencentcloudapi.com", **extra))
    assert caught.value.params["field"] == field


def test_a_first_save_needs_the_key(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(ValidationError) as caught:
        _save(session, tenant.id, _settings("https://sms.tencentcloudapi.com", secret_key=None))
    assert caught.value.params["field"] == "secret_key"


def test_another_tenants_settings_are_out_of_reach(session: Session) -> None:
    mine, other = make_tenant(session), make_tenant(session)
    with pytest.raises(PermissionDeniedError):
        save_settings(
            session=session,
            scope=TenantScope.single(mine.id),
            tenant_id=other.id,
            values=_settings("https://sms.tencentcloudapi.com"),
            actor=ADMIN,
        )


def test_platform_settings_are_all_or_nothing() -> None:
    assert load_settings({"APP_ENV": "test"}).sms is None
    with pytest.raises(SettingsError) as caught:
        load_settings({"APP_ENV": "test", "SMS_SECRET_ID": "AKID1"})
    assert caught.value.variable == "SMS_SECRET_KEY"
    with pytest.raises(SettingsError):
        load_settings({"APP_ENV": "test", "SMS_PROVIDER": "aliyun"})
    env = {f"SMS_{n}": "1" for n in ("SECRET_ID", "SDK_APP_ID", "SIGN_NAME", "TEMPLATE_REGISTER")}
    settings = load_settings({"APP_ENV": "test", **env, "SMS_SECRET_KEY": "the-sms-key"})
    assert settings.sms is not None and settings.sms.endpoint == "https://sms.tencentcloudapi.com"
    assert "the-sms-key" not in repr(settings)  # `cli check-settings` prints the settings


# --- alert texts ---------------------------------------------------------------------------


def test_an_alert_text_uses_the_tenants_own_sender_and_template(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, _settings(receiver.url))
    send_alert_sms(session, tenant.id, "139 1234 5678", ["三楼智能柜", "离线"], now=NOW)
    [got] = receiver.receiver.received
    assert (got.phone, got.template_id, got.params) == (
        "+8613912345678",
        "200002",
        ["三楼智能柜", "离线"],
    )
    assert got.sign_name == "某某企业"
    [logged] = session.exec(select(SmsMessage)).all()
    assert (logged.status, logged.phone, logged.tenant_id) == ("sent", PHONE, tenant.id)
    assert logged.serial_no and logged.serial_no.startswith("5000:")


def test_without_tenant_settings_the_platform_sender_is_used(
    session: Session, platform_sms
) -> None:
    tenant = make_tenant(session)
    send_alert_sms(session, tenant.id, PHONE, ["x"], now=NOW)
    [got] = platform_sms.receiver.received
    assert (got.template_id, got.sign_name) == ("100002", "智柜云")


def test_nothing_configured_is_a_clear_delivery_error(session: Session) -> None:
    tenant = make_tenant(session)
    with pytest.raises(SmsNotConfiguredError) as caught:
        send_alert_sms(session, tenant.id, PHONE, ["x"], now=NOW)
    assert isinstance(caught.value, SmsDeliveryError)


def test_no_alert_template_is_not_configured(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, _settings(receiver.url, template_alert=""))
    with pytest.raises(SmsNotConfiguredError):
        send_alert_sms(session, tenant.id, PHONE, ["x"], now=NOW)
    assert receiver.receiver.received == []


def test_a_wrong_stored_key_surfaces_as_an_auth_error_and_is_logged(
    session: Session, receiver
) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, _settings(receiver.url, secret_key="wrong-key"))
    with pytest.raises(SmsAuthError):
        send_alert_sms(session, tenant.id, PHONE, ["x"], now=NOW)
    [logged] = session.exec(select(SmsMessage)).all()
    assert (logged.status, logged.error_code) == ("failed", "AuthFailure.SignatureFailure")


def test_a_bad_number_is_an_invalid_phone_error(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, _settings(receiver.url))
    with pytest.raises(SmsInvalidPhoneError):
        send_alert_sms(session, tenant.id, "12345", ["x"], now=NOW)


def test_alert_texts_per_number_are_limited(session: Session, receiver) -> None:
    tenant = make_tenant(session)
    _save(session, tenant.id, _settings(receiver.url))
    for minute in range(service.ALERT_LIMIT):
        send_alert_sms(
            session, tenant.id, PHONE, [str(minute)], now=NOW + timedelta(minutes=minute)
        )
    with pytest.raises(SmsRateLimitedError) as caught:
        send_alert_sms(session, tenant.id, PHONE, ["one too many"], now=NOW + timedelta(minutes=30))
    assert caught.value.params["seconds"] == 30 * 60
    assert len(receiver.receiver.received) == service.ALERT_LIMIT
    send_alert_sms(
        session, tenant.id, "13700000000", ["another number"], now=NOW + timedelta(minutes=30)
    )
    send_alert_sms(session, tenant.id, PHONE, ["window passed"], now=NOW + timedelta(minutes=61))
    assert len(receiver.receiver.received) == service.ALERT_LIMIT + 2


# --- registration codes ----------------------------------------------------------------------


def _listed(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    add_whitelist(session=session, scope=scope, tenant_id=tenant.id, phone=PHONE, actor=ADMIN)


@pytest.fixture
def default_sender():
    previous = set_sender(None)
    yield
    set_sender(previous)


def test_without_sms_settings_registration_keeps_the_logging_sender(default_sender) -> None:
    assert isinstance(get_sender(), LoggingSender)


def test_a_registration_code_arrives_by_sms_and_registers(
    session: Session, platform_sms, default_sender
) -> None:
    assert isinstance(get_sender(), SmsCodeSender)
    _listed(session)
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    [got] = platform_sms.receiver.received
    assert (got.phone, got.template_id) == ("+8613912345678", "100001")
    code, minutes = got.params
    assert re.fullmatch(r"\d{6}", code) and minutes == "10"
    account = register(session=session, phone=PHONE, code=code, password="secret123", now=NOW)
    assert account.phone == PHONE


def test_registration_rate_limits_still_apply_before_any_sms(
    session: Session, platform_sms, default_sender
) -> None:
    _listed(session)
    request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    with pytest.raises(DomainError) as caught:
        request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW + timedelta(seconds=20))
    assert caught.value.key == "register.too_many"
    assert len(platform_sms.receiver.received) == 1


def test_a_provider_refusal_reaches_the_person_and_still_counts(
    session: Session, platform_sms, default_sender
) -> None:
    _listed(session)
    platform_sms.receiver.fail_numbers["+8613912345678"] = "LimitExceeded.PhoneNumberDailyLimit"
    with pytest.raises(SmsRateLimitedError) as caught:
        request_code(session=session, phone=PHONE, ip="10.0.0.1", now=NOW)
    assert caught.value.keep_record  # a unit of work commits the code row: the attempt counts
    assert len(session.exec(select(VerificationCode)).all()) == 1
