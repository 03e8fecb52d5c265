"""Serving the metrics: the web app's GET /metrics (app/api/metrics.py) and, in a worker or
gateway process, prometheus_client's own HTTP server on METRICS_PORT.

With PROMETHEUS_MULTIPROC_DIR set (before the process starts: prometheus_client reads it on
import), every process writes its values to files there and a scrape adds up all of them; the
queue depth is read live either way."""

from __future__ import annotations

import logging
import os
from functools import lru_cache

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import CollectorRegistry

from app.core.config import get_settings
from app.metrics.registry import QUEUE_DEPTH_COLLECTOR

logger = logging.getLogger(__name__)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


@lru_cache(maxsize=1)
def _multiprocess_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(QUEUE_DEPTH_COLLECTOR)
    return registry


def scrape_registry() -> CollectorRegistry:
    """This process's metrics, or every process's of the multiprocess directory."""
    return _multiprocess_registry() if multiprocess_dir() else REGISTRY


def render() -> tuple[bytes, str]:
    """The text exposition and its content type."""
    return generate_latest(scrape_registry()), CONTENT_TYPE_LATEST


def serve_port(port: int, addr: str = "0.0.0.0") -> int:
    """prometheus_client's HTTP server in a thread of this process; the port it listens on
    (0 asks the system for a free one)."""
    server, _thread = start_http_server(port, addr=addr, registry=scrape_registry())
    return server.server_address[1]


def serve_if_asked(process: str) -> int | None:
    """METRICS_PORT set: this worker or gateway serves its metrics there."""
    port = get_settings().metrics_port
    if not port:
        return None
    bound = serve_port(port)
    logger.info("%s metrics on :%s/metrics", process, bound)
    return bound
