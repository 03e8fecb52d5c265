"""Stopping asyncio tasks in bounded time, and saying where one that would not stop waits."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)
STOP_GRACE_S = 10.0
RECANCEL_EVERY_S = 0.5


async def cancel_and_wait(
    tasks: Iterable[asyncio.Future[Any]], grace_s: float = STOP_GRACE_S
) -> int:
    """Cancel `tasks` and wait for them, cancelling again every half second (Python 3.11's
    `wait_for`, inside aiomqtt, may swallow a cancel). A task still running after `grace_s`
    (a library that swallows every cancel, e.g. a TaskGroup whose child never ends) is logged
    with its await chain and left behind, so whoever is stopping always stops. Returns how many
    were left behind."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace_s
    pending = {task for task in tasks if not task.done()}
    while pending and loop.time() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=RECANCEL_EVERY_S)
    for task in pending:
        logger.error(
            "a task did not stop within %.0f s, left behind:\n%s", grace_s, await_chain(task)
        )
    return len(pending)


def await_chain(task: asyncio.Future[Any]) -> str:
    """Where a suspended task waits, awaited coroutine by awaited coroutine (`print_stack`
    shows only the outermost frame of a suspended task)."""
    if not isinstance(task, asyncio.Task):
        return repr(task)
    lines = [f"{task.get_name()}:"]
    awaited: Any = task.get_coro()
    while awaited is not None:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "ag_frame", None)
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "ag_await", None)
    lines.append(f"  waits on {getattr(task, '_fut_waiter', None)!r}")
    return "\n".join(lines)
