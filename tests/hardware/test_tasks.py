"""Stopping tasks in bounded time (hardware/tasks.py): a cabinet must always stop."""

from __future__ import annotations

import asyncio
import logging

from hardware.tasks import await_chain, cancel_and_wait


async def _swallows_cancels(times: float, release: asyncio.Event) -> None:
    swallowed = 0
    while not release.is_set():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            swallowed += 1
            if swallowed > times:
                raise


async def test_a_task_that_ends_when_cancelled_is_not_left_behind() -> None:
    task = asyncio.create_task(asyncio.sleep(60))
    await asyncio.sleep(0)
    assert await cancel_and_wait([task], grace_s=2) == 0
    assert task.cancelled()


async def test_a_cancel_swallowed_once_is_sent_again() -> None:
    task = asyncio.create_task(_swallows_cancels(1, asyncio.Event()))
    await asyncio.sleep(0)
    assert await cancel_and_wait([task], grace_s=5) == 0
    assert task.cancelled()


async def test_a_task_that_swallows_every_cancel_is_left_behind_and_named(caplog) -> None:
    release = asyncio.Event()
    task = asyncio.create_task(_swallows_cancels(float("inf"), release), name="stubborn")
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with caplog.at_level(logging.ERROR, logger="hardware.tasks"):
        assert await cancel_and_wait([task], grace_s=1.0) == 1
    assert loop.time() - started < 3
    assert not task.done()
    (record,) = caplog.records
    assert "stubborn" in record.getMessage() and "_swallows_cancels" in record.getMessage()
    release.set()
    task.cancel()
    await asyncio.wait({task}, timeout=2)
    assert task.done()


async def test_the_await_chain_names_every_awaited_coroutine() -> None:
    async def inner() -> None:
        await asyncio.sleep(60)

    async def outer() -> None:
        await inner()

    task = asyncio.create_task(outer(), name="nested")
    await asyncio.sleep(0)
    chain = await_chain(task)
    assert chain.index("outer") < chain.index("inner")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
