"""The `deliver_webhooks` job: every 5 s in-process and on the arq worker, one run at a time."""

from __future__ import annotations

import asyncio

import pytest

from app import jobs


async def test_the_job_runs_every_5_s_and_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    every = {fn.__name__: seconds for fn, seconds in jobs.IN_PROCESS_SCHEDULE}
    assert every["deliver_webhooks"] == 5.0
    crons = {c.coroutine.__name__: c for c in jobs.WorkerSettings.cron_jobs}
    assert crons["deliver_webhooks"].second == set(range(0, 60, 5))
    release, calls = asyncio.Event(), []

    async def slow(**kwargs):
        calls.append(kwargs)
        await release.wait()
        return {"sent": 0, "delivered": 0}

    monkeypatch.setattr("app.webhooks.services.delivery.deliver_due", slow)
    first = asyncio.create_task(jobs.deliver_webhooks({}))
    await asyncio.sleep(0)
    assert await jobs.deliver_webhooks({}) == {"skipped": 1}  # the first is still sending
    release.set()
    assert await first == {"sent": 0, "delivered": 0}
    assert calls == [{"budget_s": 50.0}]
