"""How every process logs: masked always (app/core/log_masking.py), and with LOG_FORMAT=json one
JSON object a line that names the request, tenant and cabinet it was written for, so a log
store can follow one door close from the gateway through the jobs to the console.

The context lives in contextvars: the request middleware binds the request id, the gateway and
the jobs bind the tenant and cabinet of what they are handling (`bound(...)`). asyncio tasks and
`asyncio.to_thread` carry a copy, so a binding never leaks into another request.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from app.core import log_masking

CONTEXT_FIELDS = ("request_id", "tenant_id", "cabinet_id")
_context: dict[str, ContextVar[Any]] = {
    name: ContextVar(name, default=None) for name in CONTEXT_FIELDS
}
_stamping = False


@contextmanager
def bound(**fields: Any) -> Iterator[None]:
    """The log lines written inside carry these fields (request_id, tenant_id, cabinet_id)."""
    tokens = [(_context[name], _context[name].set(value)) for name, value in fields.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def bind(**fields: Any) -> None:
    """Set fields for the rest of the current task or thread (it ends with them)."""
    for name, value in fields.items():
        _context[name].set(value)


def current(name: str) -> Any:
    return _context[name].get()


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the known context fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is None:
                value = _context[name].get()
            if value is not None:
                line[name] = value
        if record.exc_info:
            # a traceback quotes values too: masked like the message
            line["exception"] = log_masking.mask_text(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def stamp_context() -> None:
    """Records keep the context of where they were made (a queued handler formats them later,
    elsewhere)."""
    global _stamping
    if _stamping:
        return
    make_record = logging.getLogRecordFactory()

    def stamped(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        for name, var in _context.items():
            value = var.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return record

    logging.setLogRecordFactory(stamped)
    _stamping = True


def install(log_format: str = "text") -> None:
    """Masking always; with "json" every handler configured so far writes JSON lines (a root
    handler is added when there is none)."""
    log_masking.install()
    if log_format != "json":
        return
    stamp_context()
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    formatter = JsonFormatter()
    loggers = [
        root,
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    for logger in loggers:
        for handler in logger.handlers:
            handler.setFormatter(formatter)
