"""Physical scales: what a load cell and its indicator really report.

A scale belongs to a class (the three indicator models of hardware/scales.py) but its own σ is
the class figure × 0.8–1.25 and its zero walks at 0.05–0.5 g per √minute, whatever the data
sheet says; readings are quantised to the division. After the door closes, 2 % of readings
are flagged stable while a settling tail (3–12 g, τ 0.5–3 s) is still decaying.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.withdrawals.services.scale_model import ScaleModel, default_model

CLASSES = ("laumas_tlu", "eagle_ei2000", "tuna_id551pn")
TAIL_RATE = 0.02
SERIES_LENGTH = 5  # door-closed readings a v1.1 cabinet sends, oldest first
SERIES_SPACING_S = 0.5
REREAD_AFTER_S = 5.0  # a re-read's series starts this long after the first one did
IDLE_WINDOWS = 360  # three hours of protocol v1.1 heartbeat statistics before the sessions
WINDOW_S = 30  # one heartbeat window: WINDOW_READINGS idle readings over 30 s
WINDOW_READINGS = 20


@dataclass(frozen=True)
class PhysicalScale:
    indicator: str
    sigma_g: float  # its real noise, 1 σ per reading
    resolution_g: float
    drift_g_per_min: float  # its real zero walk, 1 σ per √minute

    @property
    def nominal(self) -> ScaleModel:
        return default_model(self.indicator)

    def read(self, rng: random.Random, true_g: float) -> float:
        noisy = true_g + rng.gauss(0.0, self.sigma_g)
        return round(round(noisy / self.resolution_g) * self.resolution_g, 4)

    def walk(self, rng: random.Random, seconds: float) -> float:
        return rng.gauss(0.0, self.drift_g_per_min * math.sqrt(max(seconds, 0.0) / 60.0))


def draw_scale(rng: random.Random) -> PhysicalScale:
    indicator = rng.choice(CLASSES)
    nominal = default_model(indicator)
    return PhysicalScale(
        indicator,
        nominal.sigma_g * rng.uniform(0.8, 1.25),
        nominal.resolution_g,
        rng.uniform(0.05, 0.5),
    )


def idle_windows(rng: random.Random, scale: PhysicalScale, load_g: float) -> tuple[dict, ...]:
    """Heartbeat statistics (protocol v1.1 `scales` entries) of IDLE_WINDOWS idle windows, the
    zero walking between them."""
    windows, zero = [], 0.0
    for _ in range(IDLE_WINDOWS):
        mg = [round(scale.read(rng, load_g + zero) * 1000) for _ in range(WINDOW_READINGS)]
        mean = sum(mg) / len(mg)
        sd = math.sqrt(sum((r - mean) ** 2 for r in mg) / (len(mg) - 1))
        windows.append(
            {"n": len(mg), "mean_mg": round(mean), "sd_mg": min(round(sd), max(mg) - min(mg)),
             "min_mg": min(mg), "max_mg": max(mg), "span_s": WINDOW_S}
        )  # fmt: skip
        zero += scale.walk(rng, WINDOW_S)
    return tuple(windows)


def door_closed_series(rng: random.Random, scale: PhysicalScale, true_g: float) -> tuple:
    """(series oldest first, tail_g): the readings from the one flagged stable onwards."""
    series, tail, _ = door_closed_readings(rng, scale, true_g)
    return series, tail


def door_closed_readings(rng: random.Random, scale: PhysicalScale, true_g: float) -> tuple:
    """(series, tail_g, re-read series): the door-closed series and the one the cabinet would
    send when the server asks for a re-read, REREAD_AFTER_S later (the tail decayed further)."""
    tail, tau, start = 0.0, 1.0, 0.0
    if rng.random() < TAIL_RATE:
        tail = rng.choice((-1, 1)) * rng.uniform(3.0, 12.0)
        tau, start = rng.uniform(0.5, 3.0), rng.uniform(0.2, 1.0)

    def series_from(first_s: float) -> tuple[float, ...]:
        return tuple(
            scale.read(rng, true_g + tail * math.exp(-(first_s + i * SERIES_SPACING_S) / tau))
            for i in range(SERIES_LENGTH)
        )

    series = series_from(start)
    return series, tail, series_from(start + REREAD_AFTER_S)
