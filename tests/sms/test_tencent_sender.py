"""The real sender against the local receiver, which verifies the signature on its own."""

from __future__ import annotations

import time

import httpx
import pytest

from app.sms.services import tc3
from app.sms.services.errors import (
    SmsAuthError,
    SmsDeliveryError,
    SmsInvalidPhoneError,
    SmsRateLimitedError,
    SmsTimeoutError,
    error_for_code,
)
from app.sms.services.tencent import TencentSmsConfig, TencentSmsSender, e164
from tests.sms.conftest import APP_ID, SECRET_ID, SECRET_KEY


def sender(url: str, *, secret_key: str = SECRET_KEY, timeout: float = 5.0) -> TencentSmsSender:
    config = TencentSmsConfig(
        secret_id=SECRET_ID,
        secret_key=secret_key,
        sdk_app_id=APP_ID,
        sign_name="智柜云",
        endpoint=url,
    )
    return TencentSmsSender(config, timeout=timeout)


def test_a_code_arrives_with_template_params_phone_and_a_valid_signature(receiver) -> None:
    serial = sender(receiver.url).send("13800138000", "1234567", ["482913", "10"])
    assert serial.startswith("5000:")
    [got] = receiver.receiver.received
    assert got.phone == "+8613800138000"
    assert got.template_id == "1234567"
    assert got.params == ["482913", "10"]
    assert got.sign_name == "智柜云"
    assert got.sdk_app_id == APP_ID
    assert got.headers["x-tc-action"] == "SendSms"
    assert got.headers["authorization"].startswith(f"TC3-HMAC-SHA256 Credential={SECRET_ID}/")
    assert receiver.receiver.refusals == []


def test_a_wrong_secret_is_refused_as_an_auth_error(receiver) -> None:
    with pytest.raises(SmsAuthError) as caught:
        sender(receiver.url, secret_key="not-the-key").send("13800138000", "1234567", ["1"])
    assert caught.value.code == "AuthFailure.SignatureFailure"
    assert caught.value.key == "sms.auth_failed"
    assert receiver.receiver.received == []
    assert receiver.receiver.refusals == ["AuthFailure.SignatureFailure"]


def test_a_tampered_body_fails_the_signature(receiver) -> None:
    """The receiver really recomputes: same headers with a different body are refused."""
    signed = tc3.sign_request(
        secret_id=SECRET_ID,
        secret_key=SECRET_KEY,
        service="sms",
        host=receiver.url.removeprefix("http://"),
        action="SendSms",
        version="2021-01-11",
        region="ap-guangzhou",
        payload=b'{"a":1}',
        timestamp=int(time.time()),
    )
    reply = httpx.post(receiver.url, headers=signed.headers, content=b'{"a":2}')
    assert reply.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


def test_provider_rate_limit_maps_to_a_rate_limited_error(receiver) -> None:
    receiver.receiver.fail_numbers["+8613800138000"] = "LimitExceeded.PhoneNumberThirtySecondLimit"
    with pytest.raises(SmsRateLimitedError) as caught:
        sender(receiver.url).send("13800138000", "1234567", ["1"])
    assert caught.value.code == "LimitExceeded.PhoneNumberThirtySecondLimit"


def test_an_invalid_number_maps_to_an_invalid_phone_error(receiver) -> None:
    with pytest.raises(SmsInvalidPhoneError) as caught:
        sender(receiver.url).send("1380013", "1234567", ["1"])
    assert caught.value.code == "InvalidParameterValue.IncorrectPhoneNumber"


def test_other_provider_codes_are_delivery_errors(receiver) -> None:
    code = "FailedOperation.TemplateIncorrectOrUnapproved"
    receiver.receiver.fail_numbers["+8613800138000"] = code
    with pytest.raises(SmsDeliveryError) as caught:
        sender(receiver.url).send("13800138000", "1234567", ["1"])
    assert type(caught.value) is SmsDeliveryError and caught.value.code == code


def test_a_slow_provider_is_a_timeout(receiver) -> None:
    receiver.receiver.delay = 1.0
    with pytest.raises(SmsTimeoutError):
        sender(receiver.url, timeout=0.2).send("13800138000", "1234567", ["1"])


def test_an_unreachable_provider_is_a_delivery_error() -> None:
    with pytest.raises(SmsDeliveryError) as caught:
        sender("http://127.0.0.1:9", timeout=1.0).send("13800138000", "1234567", ["1"])
    assert caught.value.key in ("sms.unreachable", "sms.timeout")


def test_numbers_are_sent_in_e164() -> None:
    assert e164("13800138000") == "+8613800138000"
    assert e164("+8613800138000") == "+8613800138000"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("AuthFailure.SecretIdNotFound", SmsAuthError),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", SmsAuthError),
        ("LimitExceeded.PhoneNumberDailyLimit", SmsRateLimitedError),
        ("RequestLimitExceeded", SmsRateLimitedError),
        ("InvalidParameterValue.IncorrectPhoneNumber", SmsInvalidPhoneError),
        ("InternalError.Timeout", SmsDeliveryError),
    ],
)
def test_provider_codes_map_to_errors(code: str, error: type[SmsDeliveryError]) -> None:
    mapped = error_for_code(code, "message")
    assert type(mapped) is error and mapped.code == code
