"""How verification codes reach a phone: a pluggable sender (SMS in production).

With the platform's SMS_* settings (app/core/config.py, docs/sms.md) the default is the real
SMS sender (`app.sms.services.sms.SmsCodeSender`, Tencent Cloud SMS, the register template). Without
them it is the `LoggingSender`, for development: it logs the code so a developer can register,
with the phone masked (a clear phone number never goes to the logs); in production it logs
only that no sender is configured, never the code. Tests plug their own with `set_sender`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from app.audit.services.audit import mask_value
from app.core.config import get_settings

logger = logging.getLogger(__name__)
CODE_TTL = timedelta(minutes=10)  # how long a sent code is valid (the SMS text says so)


class CodeSender(Protocol):
    """Delivers a verification code to a (normalised) mainland mobile number."""

    def send(self, phone: str, code: str) -> None: ...


class LoggingSender:
    """Development sender: the code goes to the log at INFO, the phone masked."""

    def send(self, phone: str, code: str) -> None:
        masked = mask_value(phone)
        if get_settings().is_production:
            logger.warning("No SMS sender configured: verification code for %s not sent", masked)
            return
        logger.info("Verification code for %s: %s", masked, code)


_sender: CodeSender | None = None  # None: the configured default


def default_sender() -> CodeSender:
    """The SMS sender when the platform's SMS settings exist, else the LoggingSender."""
    from app.sms.services.sms import SmsCodeSender, platform_route

    route = platform_route()
    if route is None:
        return LoggingSender()
    return SmsCodeSender(route, minutes_valid=int(CODE_TTL.total_seconds() // 60))


def get_sender() -> CodeSender:
    """The sender in use: the plugged one, else `default_sender()`."""
    return _sender if _sender is not None else default_sender()


def set_sender(sender: CodeSender | None) -> CodeSender | None:
    """Plug `sender` in (None: back to the default); returns the previous one so callers (and
    tests) can restore it."""
    global _sender
    previous, _sender = _sender, sender
    return previous
