"""What can go wrong sending a text, each with its own translation key.

Every failure is a `SmsDeliveryError` (alert routing catches that one class and retries or logs);
the subclasses let callers tell a wrong key from a rate limit or a bad number. `code` is the
provider's error code (e.g. "LimitExceeded.PhoneNumberThirtySecondLimit"), kept for the logs.
`keep_record`: a failed send still counts for our own rate limits (the attempt is the evidence).
"""

from __future__ import annotations

from typing import Any

from app.core.errors import DomainError


class SmsDeliveryError(DomainError):
    key = "sms.failed"
    keep_record = True

    def __init__(self, key: str | None = None, *, code: str = "", **params: Any) -> None:
        super().__init__(key, code=code, **params)
        self.code = code


class SmsNotConfiguredError(SmsDeliveryError):
    key = "sms.not_configured"


class SmsAuthError(SmsDeliveryError):
    """The provider refused our credentials or signature (wrong SecretKey, unknown SecretId)."""

    key = "sms.auth_failed"


class SmsRateLimitedError(SmsDeliveryError):
    """The provider's or our own frequency limit for this number was reached."""

    key = "sms.rate_limited"


class SmsInvalidPhoneError(SmsDeliveryError):
    key = "sms.invalid_phone"


class SmsTimeoutError(SmsDeliveryError):
    key = "sms.timeout"


def error_for_code(code: str, message: str = "") -> SmsDeliveryError:
    """The exception for a Tencent Cloud error code (public error codes + SMS error codes)."""
    if code.startswith("AuthFailure") or code.startswith("UnauthorizedOperation"):
        return SmsAuthError(code=code, detail=message)
    if code.startswith("LimitExceeded.PhoneNumber") or code == "RequestLimitExceeded":
        return SmsRateLimitedError(code=code, detail=message)
    if code in (
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberInBlacklist",
    ):
        return SmsInvalidPhoneError(code=code, detail=message)
    return SmsDeliveryError(code=code, detail=message)
