"""Every metric the product exports, in one place: the Grafana dashboard
(docs/grafana/cabinet-cloud.json) may only query names defined here (a test holds it to that).

Labels take values from closed sets our code defines (message types, refusal codes, job names,
alert kinds): never from what a cabinet or a visitor sends, so nobody can grow the series.
With PROMETHEUS_MULTIPROC_DIR set before the process starts, prometheus_client keeps the values
in files there and /metrics adds up every process (docs/operations.md).
"""

from __future__ import annotations

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

PREFIX = "cabinet_"
# a door close is decided in well under a second when all goes well; a cabinet that was offline
# uploads its closes hours later, which the top buckets keep apart from the rest
CLOSE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)
JOB_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200)

DEVICE_MESSAGES = Counter(
    "cabinet_device_messages",
    "Signed cabinet messages judged by a gateway and committed, by type and outcome",
    ["type", "status"],  # status: accepted | duplicate | rejected
)
DEVICE_REFUSED = Counter(
    "cabinet_device_refused",
    "Cabinet messages refused, by type and reason (docs/protocol.md error codes)",
    ["type", "reason"],
)
INGEST_BATCH_SIZE = Histogram(
    "cabinet_ingest_batch_size",
    "Messages a gateway stored in one unit of work",
    buckets=BATCH_BUCKETS,
)
JOB_SECONDS = Histogram(
    "cabinet_job_seconds",
    "Run time of a job, by job and outcome (ok | retry | failed | cancelled)",
    ["job_name", "outcome"],
    buckets=JOB_BUCKETS,
)
JOB_START_DELAY = Histogram(
    "cabinet_job_start_delay_seconds",
    "From a job's enqueueing to the start of its first try (includes a requested deferral)",
    ["job_name"],
    buckets=JOB_BUCKETS,
)
DOOR_CLOSE_TO_COMMIT = Histogram(
    "cabinet_door_close_to_commit_seconds",
    "From the door closing (the cabinet's clock) to its withdrawal committed",
    buckets=CLOSE_BUCKETS,
)
WEBSOCKET_CLIENTS = Gauge(
    "cabinet_websocket_clients",
    "Browser websockets open on the web workers (consoles, phones, walls)",
    multiprocess_mode="livesum",
)
ALERTS = Counter("cabinet_alerts", "Alerts raised (a new root cause), by kind", ["kind"])
LOGIN_FAILURES = Counter(
    "cabinet_login_failures",
    "Refused sign-ins, by reason (the refusal's message key)",
    ["reason"],
)
HTTP_REQUESTS = Counter(
    "cabinet_http_requests",
    "HTTP requests served by the web app, by area of the site and status class",
    ["area", "status"],
)
HTTP_SECONDS = Histogram(
    "cabinet_http_request_seconds",
    "Time to serve an HTTP request (until its response started), by area",
    ["area"],
)
QUEUE_DEPTH = "cabinet_job_queue_depth"


class QueueDepth(Collector):
    """Jobs waiting (Redis: arq's queue, shared by every process; in-process: this process's
    queued and running jobs), read when scraped, never on a hot path."""

    def describe(self):
        return [GaugeMetricFamily(QUEUE_DEPTH, "Jobs queued and not yet finished")]

    def collect(self):
        from app.metrics.queue import queue_depth  # the job dispatcher imports this module

        gauge = GaugeMetricFamily(QUEUE_DEPTH, "Jobs queued and not yet finished")
        depth = queue_depth()
        if depth is not None:
            gauge.add_metric([], depth)
        yield gauge


QUEUE_DEPTH_COLLECTOR = QueueDepth()
REGISTRY.register(QUEUE_DEPTH_COLLECTOR)


def metric_names() -> set[str]:
    """Every series name a query may use (counters' _total, histograms' _bucket/_sum/_count)."""
    names = {QUEUE_DEPTH}
    for metric in (
        DEVICE_MESSAGES,
        DEVICE_REFUSED,
        INGEST_BATCH_SIZE,
        JOB_SECONDS,
        JOB_START_DELAY,
        DOOR_CLOSE_TO_COMMIT,
        WEBSOCKET_CLIENTS,
        ALERTS,
        LOGIN_FAILURES,
        HTTP_REQUESTS,
        HTTP_SECONDS,
    ):
        for family in metric.describe():
            if family.type == "gauge":
                names.add(family.name)
            names.update(f"{family.name}{suffix}" for suffix in _SUFFIXES[family.type])
    return names


_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": (),
}
