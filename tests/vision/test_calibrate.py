"""Confidence calibration (vision/calibrate.py): the fitted curve turns raw scores into how often
such a box is right, keeps their order, and is read from the data set's own label files."""

from __future__ import annotations

import math
import random

from vision.calibrate import apply, fit, log_odds, read_labels
from vision.dataset import write_dataset


def _scored(slope: float, intercept: float, n: int, seed: int) -> list[tuple[float, bool]]:
    """Raw scores whose chance of being right follows a known logistic curve."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        raw = rng.uniform(0.02, 0.98)
        right = rng.random() < 1 / (1 + math.exp(-(slope * log_odds(raw) + intercept)))
        out.append((raw, right))
    return out


def test_fit_recovers_the_curve_the_scores_were_drawn_from() -> None:
    slope, intercept = fit(_scored(2.0, 1.5, 6000, seed=3))
    assert abs(slope - 2.0) < 0.2 and abs(intercept - 1.5) < 0.2


def test_a_calibrated_half_is_right_about_half_the_time() -> None:
    curve = fit(_scored(2.0, 1.5, 6000, seed=4))
    held_out = _scored(2.0, 1.5, 20000, seed=5)
    near_half = [right for raw, right in held_out if 0.45 <= apply(curve, raw) <= 0.55]
    assert len(near_half) > 200
    assert 0.4 <= sum(near_half) / len(near_half) <= 0.6


def test_calibration_keeps_the_order_of_the_scores() -> None:
    curve = (2.05, 1.81)
    raws = [0.01, 0.1, 0.25, 0.3, 0.5, 0.9, 0.999]
    calibrated = [apply(curve, raw) for raw in raws]
    assert calibrated == sorted(calibrated)
    assert all(0.0 < c < 1.0 for c in calibrated)


def test_scores_all_right_or_all_wrong_still_give_a_finite_curve() -> None:
    for right in (True, False):
        slope, intercept = fit([(0.3, right), (0.7, right)] * 10)
        assert math.isfinite(slope) and math.isfinite(intercept)


def test_read_labels_gives_back_the_boxes_the_data_set_wrote(tmp_path) -> None:
    root = write_dataset(tmp_path, seed=9, train=2, val=1, size=(640, 480)).parent
    text = (root / "labels" / "val" / "00000.txt").read_text().split("\n")
    labels = read_labels(root / "labels" / "val" / "00000.txt", 640, 480)
    assert len(labels) == len([line for line in text if line.strip()])
    for label, line in zip(labels, text, strict=False):
        _cls, cx, *_ = line.split()
        assert abs((label.box[0] + label.box[2]) / 2 / 640 - float(cx)) < 2 / 640
        assert 0 <= label.box[0] < label.box[2] <= 640 and 0 <= label.box[1] < label.box[3] <= 480
