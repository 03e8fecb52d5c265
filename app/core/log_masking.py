"""Phone numbers and ID/card-like numbers never reach the application logs in clear.

Installed as the process's log record factory, so every logger (ours, Reflex's, the server's)
is covered, whatever handler formats it: 13812345678 → 138****5678.
"""

from __future__ import annotations

import logging
import re

MOBILE = re.compile(r"(?<![\dA-Za-z])(1[3-9]\d)\d{4}(\d{4})(?![\dA-Za-z])")
ID_CARD = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![\dA-Za-z])")
_installed = False


def mask_text(text: str) -> str:
    text = ID_CARD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def install() -> None:
    """Mask every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
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
