"""Every job's run is timed by job and outcome, in-process as on the arq worker (the wrapper is
the job itself); the time it waited to start is recorded on its first try."""

from __future__ import annotations

from typing import Any

from arq.worker import Retry

from app.core.jobs import JOBS, InProcessDispatcher, job
from tests.metrics.conftest import sample

SECONDS = "cabinet_job_seconds_count"


@job
async def metrics_job_twice_asked_to_wait(ctx: dict[str, Any]) -> str:
    if ctx["job_try"] < 3:
        raise Retry(defer=0.01)
    return "done"


@job
async def metrics_job_broken(ctx: dict[str, Any]) -> None:
    raise ValueError("a bug")


def _count(name: str, outcome: str) -> float:
    return sample(SECONDS, job_name=name, outcome=outcome)


async def test_a_job_is_timed_by_outcome_and_its_start_delay_once() -> None:
    name = "metrics_job_twice_asked_to_wait"
    assert JOBS[name] is metrics_job_twice_asked_to_wait
    before = {outcome: _count(name, outcome) for outcome in ("ok", "retry", "failed")}
    delays = sample("cabinet_job_start_delay_seconds_count", job_name=name)
    dispatcher = InProcessDispatcher()
    await dispatcher.enqueue(name)
    await dispatcher.enqueue("metrics_job_broken")
    await dispatcher.drain(10)
    assert _count(name, "retry") == before["retry"] + 2
    assert _count(name, "ok") == before["ok"] + 1
    assert _count(name, "failed") == before["failed"]
    assert _count("metrics_job_broken", "failed") >= 1
    assert sample("cabinet_job_start_delay_seconds_count", job_name=name) == delays + 1


async def test_the_in_process_queue_depth_is_what_the_dispatcher_holds(monkeypatch) -> None:
    from app.core import jobs
    from app.metrics.queue import queue_depth

    dispatcher = InProcessDispatcher()
    monkeypatch.setattr(jobs, "_dispatcher", dispatcher)
    assert queue_depth() == 0
    await dispatcher.enqueue("metrics_job_twice_asked_to_wait")
    assert queue_depth() == 1
    await dispatcher.drain(10)
    assert queue_depth() == 0
