"""How good the detector is on generated shelves it never saw: mAP at IoU 0.5 over the classes
present (all-point interpolated average precision, as VOC and ultralytics compute it), the share
of slots whose counts are exactly right, and the time per image.

`python -m vision.evaluate --seed 2026 --images 300` prints the figures (the bench records them)."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from vision.calibrate import fit, read_labels
from vision.detector import Detection, Detector, shared_detector
from vision.regions import COUNTED, Region, count_slots
from vision.shelf import Label, Scene, counts, random_scene, render

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def average_precision(recall: Sequence[float], precision: Sequence[float]) -> float:
    """Area under the precision envelope (all points)."""
    r = [0.0, *recall, 1.0]
    p = [1.0, *precision, 0.0]
    for i in range(len(p) - 2, -1, -1):
        p[i] = max(p[i], p[i + 1])
    return sum((r[i + 1] - r[i]) * p[i + 1] for i in range(len(r) - 1))


def matched(detections: Sequence[Detection], labels: Sequence[Label]) -> list[tuple[float, bool]]:
    """(confidence, right) of each detection, best first: right when it overlaps a label of
    its name not yet taken by a surer detection at IoU ≥ 0.5 (VOC's rule)."""
    taken: set[int] = set()
    out = []
    for d in sorted(detections, key=lambda d: -d.confidence):
        best, best_iou = None, 0.5
        for n, label in enumerate(labels):
            if n in taken or label.name != d.name:
                continue
            overlap = iou(d.box, label.box)
            if overlap >= best_iou:
                best, best_iou = n, overlap
        if best is not None:
            taken.add(best)
        out.append((d.confidence, best is not None))
    return out


def map50(images: Sequence[tuple[Sequence[Detection], Sequence[Label]]]) -> float:
    """Mean over the classes with at least one label of their AP at IoU ≥ 0.5."""
    truths: dict[str, int] = defaultdict(int)
    scored: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for detections, labels in images:
        for label in labels:
            truths[label.name] += 1
        ordered = sorted(detections, key=lambda d: -d.confidence)
        for d, pair in zip(ordered, matched(ordered, labels), strict=True):
            scored[d.name].append(pair)
    aps = []
    for name, total in truths.items():
        hits = sorted(scored.get(name, []), key=lambda s: -s[0])
        tp = fp = 0
        recall, precision = [], []
        for _, hit in hits:
            tp, fp = tp + hit, fp + (not hit)
            recall.append(tp / total)
            precision.append(tp / (tp + fp))
        aps.append(average_precision(recall, precision) if hits else 0.0)
    return sum(aps) / len(aps) if aps else 0.0


def regions_of(scene: Scene) -> list[Region]:
    return [Region.box(c.region.code, *c.region.box) for c in scene.slots]


def slots_exact(
    scene: Scene, detections: Sequence[Detection], labels: Sequence[Label]
) -> list[bool]:
    """Per slot of the scene: does the camera's count (confident boxes) equal the labels'?"""
    truth = counts(list(labels))
    seen = count_slots(detections, regions_of(scene), counted=COUNTED)
    return [dict(seen[c.region.code].counts) == truth.get(c.region.code, {}) for c in scene.slots]


@dataclass
class Figures:
    images: int
    slots: int
    map50: float
    count_exact_rate: float
    ms_p50: float
    ms_p95: float

    def as_metrics(self) -> dict[str, float]:
        return {
            "vision_images": self.images,
            "vision_slots": self.slots,
            "vision_map50": round(self.map50, 4),
            "vision_count_exact_rate": round(self.count_exact_rate, 4),
            "vision_ms_p50": round(self.ms_p50, 1),
            "vision_ms_p95": round(self.ms_p95, 1),
        }


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def evaluate(detector: Detector, seed: int, images: int) -> Figures:
    rng = random.Random(seed)
    pairs, exact, times = [], [], []
    for _ in range(images):
        scene = random_scene(rng)
        image, labels = render(scene, rng)
        started = time.perf_counter()
        detections = detector.detect(image)
        times.append((time.perf_counter() - started) * 1000)
        pairs.append((detections, labels))
        exact.extend(slots_exact(scene, detections, labels))
    return Figures(
        images,
        len(exact),
        map50(pairs),
        sum(exact) / len(exact),
        _percentile(times, 0.5),
        _percentile(times, 0.95),
    )


def calibrate(model_dir: Path, data_root: Path, split: str = "val") -> dict:
    """The curve for the model in `model_dir`, fitted on `split` of the data set at data_root."""
    detector = Detector(model_dir, calibrated=False)
    scored: list[tuple[float, bool]] = []
    for path in sorted((data_root / "images" / split).glob("*.jpg")):
        image = Image.open(path).convert("RGB")
        labels = read_labels(data_root / "labels" / split / f"{path.stem}.txt", *image.size)
        scored += matched(detector.detect(image), labels)
    curve = fit(scored)
    return {"calibration": list(curve), "calibration_boxes": len(scored)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m vision.evaluate", description=__doc__)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--images", type=int, default=300)
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(shared_detector(), args.seed, args.images).as_metrics(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
