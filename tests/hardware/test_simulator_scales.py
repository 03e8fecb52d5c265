"""The simulator's scales report idle statistics as their indicator class reads: rounded to its
division, with its noise; the figures fit protocol v1.1 and say what the scale's σ is."""

from __future__ import annotations

import random

import pytest

from hardware.protocol.messages import schema_problem
from hardware.simulator.weighing import CLASS_SIGMA_G, DIVISION_G, LoadCell, idle_window


@pytest.mark.parametrize("model", sorted(CLASS_SIGMA_G))
def test_idle_statistics_show_the_classs_noise_and_division(model: str) -> None:
    cell = LoadCell("A1", 1, model, load_g=812.0, noise_g=CLASS_SIGMA_G[model])
    cell.rng = random.Random(4)
    windows = [idle_window(cell, 30, n=200) for _ in range(5)]
    for window in windows:
        assert window["min_mg"] <= window["mean_mg"] <= window["max_mg"]
        assert window["min_mg"] % round(DIVISION_G[model] * 1000) == 0
    sd_g = sum(w["sd_mg"] for w in windows) / len(windows) / 1000
    assert sd_g == pytest.approx(CLASS_SIGMA_G[model], rel=0.15)
    body = {"uptime_s": 1, "door": "closed", "outbox": 0, "scales": windows}
    assert schema_problem("heartbeat", body) is None
