"""Phone numbers, ID/card-like numbers, API keys, Authorization headers and browser tabs'
client tokens never reach the application logs in clear (a client token names a tab's state on
the server: Reflex logs it, e.g. "Attempting to send delta to disconnected client '<token>'").

Installed as the process's log record factory, so every logger (ours, Reflex's, the server's)
is covered, whatever handler formats it: 13812345678 → 138****5678.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MOBILE = re.compile(r"(?<![\dA-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![\dA-Za-z])")
ID_CARD = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
# Reflex's client tokens are UUIDs; so is anything else we would not want to replay from a log
UUID = re.compile(r"\b([0-9a-fA-F]{4})[0-9a-fA-F]{4}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
# API keys (`cck_<prefix>_<secret>`): the prefix names the key, the secret never shows
API_KEY = re.compile(r"\b(cck_[0-9a-f]{8})_[A-Za-z0-9_-]+")
# whatever an Authorization header carries, should a request's headers be logged
AUTHORIZATION = re.compile(
    r"(?i)(authorization['\"]?\s*[:=,]\s*['\"]?(?:bearer|basic)?\s*)[^\s'\",}]+"
)
_installed = False


def mask_text(text: str) -> str:
    text = API_KEY.sub(lambda m: f"{m.group(1)}_…", text)
    text = AUTHORIZATION.sub(lambda m: f"{m.group(1)}…", text)
    text = UUID.sub(lambda m: f"{m.group(1)}…", text)
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def install() -> None:
    """Mask every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return record
        clean = mask_text(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
