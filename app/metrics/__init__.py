"""Prometheus metrics of every process kind (web app, job worker, device gateway): what is
counted is defined once in `registry.py`; `observe.py` is what the rest of the code calls;
`exposition.py` serves them (docs/operations.md)."""

from app.core.jobs import time_jobs_with
from app.metrics.observe import timed_job

time_jobs_with(timed_job)  # every job's run timed by job and outcome (app/core/jobs.py)
