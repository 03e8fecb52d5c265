"""How fast a scale learns its own noise model from heartbeat statistics (no database):
`PYTHONPATH=. .venv/bin/python tests/bench/scale_learning.py`. Per indicator class and true
drift, 50 scales each send a 20-reading idle window every 30 s while their zero walks; printed:
the 90th percentile of the relative error of the learned σ and drift after N heartbeats."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from app.cabinets.models import Slot
from app.cabinets.services.scale_stats import fold_window, model_of
from hardware.simulator.weighing import CLASS_SIGMA_G, LoadCell, idle_window

T0 = datetime(2026, 11, 26, 8, tzinfo=UTC)
SIGMA_AT, DRIFT_AT, SCALES = (2, 20, 120), (240, 480, 720), 50


def _p90(errors: list[float]) -> str:
    return f"{sorted(errors)[int(0.9 * len(errors)) - 1]:.0%}"


def run(model: str, sigma: float, drift: float) -> str:
    errors: dict[int, list[float]] = {k: [] for k in (*SIGMA_AT, *DRIFT_AT)}
    for seed in range(SCALES):
        rng, now = random.Random(seed), [0.0]
        cell = LoadCell(
            "A1", 1, model, load_g=800, noise_g=sigma, drift_g_per_h=0, rng=rng,
            clock=lambda now=now: now[0],
        )  # fmt: skip
        slot = Slot(code="A1", kind="scale", indicator=model, noise_samples=0, noise_dof=0)
        slot.drift_minutes = 0.0
        for k in range(1, max(DRIFT_AT) + 1):
            cell.change_load(rng.gauss(0, drift * 0.5**0.5))  # the zero's walk over 30 s
            now[0] += 30.0
            fold_window(slot, idle_window(cell, 30), T0 + timedelta(seconds=30 * k), "closed")
            learned = model_of(slot)
            if k in SIGMA_AT:
                errors[k].append(abs(learned.sigma_g / sigma - 1))
            if k in DRIFT_AT:
                errors[k].append(abs(learned.drift_g_per_min / drift - 1))
    sigmas = " ".join(f"σ@{k}: {_p90(errors[k])}" for k in SIGMA_AT)
    drifts = " ".join(f"drift@{k}: {_p90(errors[k])}" for k in DRIFT_AT)
    return f"{model:13} σ {sigma} g drift {drift} g/min | {sigmas} | {drifts}"


if __name__ == "__main__":
    for model, sigma in sorted(CLASS_SIGMA_G.items()):
        for drift in (0.2, 0.5):
            print(run(model, sigma, drift))
