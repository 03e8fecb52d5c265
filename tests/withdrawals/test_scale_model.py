"""A scale's own model: its indicator's defaults until it has shown enough idle readings."""

from __future__ import annotations

import math

import pytest

from app.withdrawals.services.scale_model import (
    MIN_SAMPLES,
    LearnedStats,
    ScaleModel,
    default_model,
    learned_model,
)

TUNA = default_model("tuna_id551pn")


def test_unknown_indicator_gets_the_default_model() -> None:
    assert default_model("no_such_thing") == ScaleModel()
    assert default_model(None) == ScaleModel()


def test_too_few_readings_keep_the_prior() -> None:
    stats = LearnedStats(sigma_g=0.2, samples=MIN_SAMPLES - 1, drift_g_per_min=0.01)
    assert learned_model(TUNA, stats) == TUNA


def test_no_statistics_keep_the_prior() -> None:
    assert learned_model(TUNA, LearnedStats()) is TUNA


def test_enough_readings_give_the_scales_own_sigma_and_keep_resolution_and_settling() -> None:
    model = learned_model(TUNA, LearnedStats(sigma_g=2.6, samples=MIN_SAMPLES))
    assert model.sigma_g == pytest.approx(2.6)
    assert (model.resolution_g, model.settle_s) == (TUNA.resolution_g, TUNA.settle_s)
    assert model.drift_g_per_min == TUNA.drift_g_per_min  # drift not watched long enough


def test_learned_sigma_never_below_the_rounding_noise_of_the_division() -> None:
    # a scale whose readings never left one division reads sd 0: it still rounds by ± res / 2
    model = learned_model(TUNA, LearnedStats(sigma_g=0.0, samples=500))
    assert model.sigma_g == pytest.approx(TUNA.resolution_g / math.sqrt(12))


def test_drift_is_learned_once_watched_long_enough() -> None:
    short = LearnedStats(sigma_g=1.5, samples=100, drift_g_per_min=0.8, drift_minutes=60)
    long = LearnedStats(sigma_g=1.5, samples=100, drift_g_per_min=0.8, drift_minutes=180)
    assert learned_model(TUNA, short).drift_g_per_min == TUNA.drift_g_per_min
    assert learned_model(TUNA, long).drift_g_per_min == pytest.approx(0.8)


def test_a_learned_drift_is_never_trusted_below_half_the_priors() -> None:
    quiet = LearnedStats(sigma_g=1.5, samples=100, drift_g_per_min=0.01, drift_minutes=600)
    assert learned_model(TUNA, quiet).drift_g_per_min == pytest.approx(TUNA.drift_g_per_min / 2)
