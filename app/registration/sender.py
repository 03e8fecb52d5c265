"""How verification codes reach a phone: a pluggable sender (SMS gateway in production).

The default `LoggingSender` is for development: it logs the code so a developer can register,
with the phone masked (a clear phone number never goes to the logs). In production it logs
only that no sender is configured, never the code. Plug a real sender with `set_sender`.
"""

from __future__ import annotations

import logging
from typing import Protocol

from app.audit.service import mask_value
from app.core.config import get_settings

logger = logging.getLogger(__name__)


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


_sender: CodeSender = LoggingSender()


def get_sender() -> CodeSender:
    """The sender in use (a `LoggingSender` unless one was plugged)."""
    return _sender


def set_sender(sender: CodeSender) -> CodeSender:
    """Plug `sender` in; returns the previous one so callers (and tests) can restore it."""
    global _sender
    previous, _sender = _sender, sender
    return previous
