"""Making a box's confidence mean what it says: after training, the two-stage detector runs
over the training seed's validation images and a logistic curve is fitted from each box's raw
score (detector x identifier) to whether it was right (its name, IoU ≥ 0.5 with a label). The
curve's two numbers go into the model card; the detector applies them, so a confidence of 0.5
is a box right about half the time and vision/regions.py's thresholds keep their meaning
whatever a training run's scores look like. Monotone: the ranking, hence mAP, is unchanged."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from vision.shelf import CLASSES, Label

Curve = tuple[float, float]  # slope, intercept on the raw score's log-odds


def log_odds(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def apply(curve: Curve, raw: float) -> float:
    slope, intercept = curve
    return 1.0 / (1.0 + math.exp(-(slope * log_odds(raw) + intercept)))


def fit(scored: Sequence[tuple[float, bool]], rounds: int = 50) -> Curve:
    """Logistic regression of right on log-odds(raw) by Newton's method (two unknowns)."""
    slope, intercept = 1.0, 0.0
    xs = [log_odds(raw) for raw, _ in scored]
    ys = [1.0 if right else 0.0 for _, right in scored]
    for _ in range(rounds):
        g_s = g_i = h_ss = h_si = h_ii = 0.0
        for x, y in zip(xs, ys, strict=True):
            p = 1.0 / (1.0 + math.exp(-(slope * x + intercept)))
            w = max(p * (1 - p), 1e-9)
            g_s, g_i = g_s + (y - p) * x, g_i + (y - p)
            h_ss, h_si, h_ii = h_ss + w * x * x, h_si + w * x, h_ii + w
        det = h_ss * h_ii - h_si * h_si
        if abs(det) < 1e-12:
            break
        step_s = (h_ii * g_s - h_si * g_i) / det
        step_i = (h_ss * g_i - h_si * g_s) / det
        slope, intercept = slope + step_s, intercept + step_i
        if abs(step_s) + abs(step_i) < 1e-9:
            break
    return round(slope, 5), round(intercept, 5)


def read_labels(label_file: Path, width: int, height: int) -> list[Label]:
    """A YOLO label file (class cx cy w h, or class and 4 corners, normalised) as labels in
    pixels, each with its upright box."""
    out = []
    for line in label_file.read_text().split("\n"):
        if not line.strip():
            continue
        cls, *numbers = line.split()
        if len(numbers) == 8:
            xs = [float(v) * width for v in numbers[0::2]]
            ys = [float(v) * height for v in numbers[1::2]]
            corners = tuple(zip(xs, ys, strict=True))
            box = (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
            out.append(Label(CLASSES[int(cls)], None, box, 1.0, corners))
            continue
        cx, cy, w, h = numbers
        x, y, bw, bh = float(cx) * width, float(cy) * height, float(w) * width, float(h) * height
        box = (round(x - bw / 2), round(y - bh / 2), round(x + bw / 2), round(y + bh / 2))
        out.append(Label(CLASSES[int(cls)], None, box, 1.0))
    return out
