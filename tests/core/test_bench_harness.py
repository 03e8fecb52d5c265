"""`make bench` finds its groups and merges figures without losing earlier ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench import __main__ as bench


def test_bench_groups_are_discovered() -> None:
    assert "core" in bench.groups()


def test_figures_merge_into_the_results_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "bench-results.json"
    results.write_text(json.dumps({"older_metric": 1.5, "home_figures_p50_ms_pg": 9.0}))
    monkeypatch.setattr(bench, "RESULTS", results)
    merged = bench.merge({"home_figures_p50_ms_pg": 6.1})
    assert merged == {"older_metric": 1.5, "home_figures_p50_ms_pg": 6.1}
    assert json.loads(results.read_text()) == merged


def test_an_unknown_group_is_refused() -> None:
    assert bench.main(["no-such-group"]) == 2
