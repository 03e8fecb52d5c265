"""What one scale's readings are worth: its noise model, per scale, not a constant.

Identification scores a weight change in units of the uncertainty *this* scale has: the noise of
each of its two readings, the drift of its zero over the time between them, its display
resolution, and the spread of the items' own weights. A scale starts with the defaults of its
indicator model (the register maps of hardware/scales.py) and learns its own from its idle
readings (heartbeat statistics) once it has enough of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleModel:
    sigma_g: float = 0.5  # noise of one reading, 1 σ
    resolution_g: float = 0.1  # the display division: readings are multiples of it
    drift_g_per_min: float = 0.2  # 1 σ of the zero's random walk over one minute
    settle_s: float = 2.0  # how long a load takes to settle after the door closes

    def drift_sigma_g(self, elapsed_s: float) -> float:
        """1 σ of how far the zero may have wandered in `elapsed_s` (a random walk)."""
        return self.drift_g_per_min * math.sqrt(max(elapsed_s, 0.0) / 60.0)

    def reading_sigma_g(self) -> float:
        """One reading's σ with the display's rounding (uniform over one division) added."""
        return math.sqrt(self.sigma_g**2 + self.resolution_g**2 / 12.0)


# Until a scale has learned its own: what its indicator model's data sheet and our bench say.
DEFAULT_MODELS: dict[str, ScaleModel] = {
    "default": ScaleModel(),
    "laumas_tlu": ScaleModel(sigma_g=0.5, resolution_g=0.1, drift_g_per_min=0.2, settle_s=1.5),
    "eagle_ei2000": ScaleModel(sigma_g=1.0, resolution_g=0.5, drift_g_per_min=0.3, settle_s=2.0),
    "tuna_id551pn": ScaleModel(sigma_g=2.0, resolution_g=1.0, drift_g_per_min=0.5, settle_s=3.0),
}


def default_model(indicator: str | None) -> ScaleModel:
    return DEFAULT_MODELS.get(indicator or "default", DEFAULT_MODELS["default"])


MIN_SAMPLES = 30  # idle readings before a scale's own statistics replace its defaults
MIN_DRIFT_MINUTES = 120.0  # idle minutes watched before its own drift replaces the default
# A learned drift is never trusted below this share of the prior's: over a few hours a scale's
# drift is estimated within ~20 % (σ 0.5/1 g) to ~50 % (σ 2 g); too low a drift would make
# identification overconfident, too high only sends more visits to review.
DRIFT_FLOOR_SHARE = 0.5


@dataclass(frozen=True)
class LearnedStats:
    """What a scale's idle readings said so far (app/cabinets/services/scale_stats.py folds them
    in)."""

    sigma_g: float | None = None  # pooled σ of its idle readings
    samples: int = 0  # idle readings behind sigma_g
    drift_g_per_min: float | None = None  # 1 σ of the zero's walk over one minute
    drift_minutes: float = 0.0  # idle minutes behind drift_g_per_min


def learned_model(prior: ScaleModel, stats: LearnedStats) -> ScaleModel:
    """The prior until the scale has shown enough of its own readings; then its own σ (never
    below the rounding noise of its division: a quiet scale still reads in whole divisions)
    and, once watched long enough, its own drift (never below half the prior's). Resolution and
    settling stay the prior's."""
    if stats.samples < MIN_SAMPLES or stats.sigma_g is None:
        return prior
    sigma = max(stats.sigma_g, prior.resolution_g / math.sqrt(12.0))
    drift = prior.drift_g_per_min
    if stats.drift_g_per_min is not None and stats.drift_minutes >= MIN_DRIFT_MINUTES:
        drift = max(stats.drift_g_per_min, DRIFT_FLOOR_SHARE * prior.drift_g_per_min)
    return ScaleModel(
        sigma_g=sigma,
        resolution_g=prior.resolution_g,
        drift_g_per_min=drift,
        settle_s=prior.settle_s,
    )
