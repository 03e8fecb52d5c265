"""The metric catalogue holds to its rules, and the Grafana dashboard only asks for metrics that
exist (it cannot drift from the code without this failing)."""

from __future__ import annotations

import json
import re

from app.core.config import REPO_ROOT
from app.metrics import registry
from app.metrics.registry import metric_names

DASHBOARD = REPO_ROOT / "docs" / "grafana" / "cabinet-cloud.json"
METRIC_IN_QUERY = re.compile(r"\bcabinet_[a-z0-9_]+")


def _families():
    for value in vars(registry).values():
        describe = getattr(value, "describe", None)
        if callable(describe) and not isinstance(value, type):
            yield from describe()


def test_every_metric_is_prefixed_and_no_label_is_the_reserved_job() -> None:
    families = list(_families())
    assert len(families) >= 12
    for family in families:
        assert family.name.startswith("cabinet_"), family.name
    for metric in (registry.JOB_SECONDS, registry.JOB_START_DELAY):
        assert "job_name" in metric._labelnames and "job" not in metric._labelnames
    assert "cabinet_door_close_to_commit_seconds_bucket" in metric_names()
    assert "cabinet_job_queue_depth" in metric_names()


def _queries(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [q for value in node.values() for q in _queries(value)]
    if isinstance(node, list):
        return [q for value in node for q in _queries(value)]
    return []


def test_the_dashboard_queries_only_metrics_the_registry_defines() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] and dashboard["panels"]
    charts = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert charts and all(_queries(chart.get("targets", [])) for chart in charts)
    queries = _queries(dashboard["panels"])
    used = {name for query in queries for name in METRIC_IN_QUERY.findall(query)}
    assert used - metric_names() == set()
    # every metric family is on the dashboard somewhere
    shown = {re.sub(r"_(bucket|sum|count|total)$", "", name) for name in used}
    assert {f.name for f in _families()} - shown == set()
    assert any("histogram_quantile" in q and "door_close_to_commit" in q for q in queries)
