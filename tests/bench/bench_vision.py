"""The shelf detector on generated shelves of a seed never used for training (issue 17).

Runs the committed model (vision/model/shelf.onnx) the way the product runs it — onnxruntime on
the CPU, one thread per image, at the training size — over HELD_OUT_IMAGES images of seed
HELD_OUT_SEED (training used the card's `data_seed`). The camera-fused identification figures
(ident_fused_*) are in bench_vision_fused.py; retraining from the seed in bench_vision_train.py.

Metrics: vision_map50 (target ≥ 0.95), vision_count_exact_rate (per slot, target ≥ 0.97),
vision_ms_p50 (target < 50 ms) and vision_ms_p95 per image, vision_images, vision_slots,
vision_train_s (the committed model's training time, from its card).
"""

from __future__ import annotations

from vision.detector import MODEL_DIR, Detector, ModelCard
from vision.evaluate import evaluate

HELD_OUT_SEED = 2026
HELD_OUT_IMAGES = 400


def run() -> dict[str, float]:
    card = ModelCard.read(MODEL_DIR)
    assert card.raw["data_seed"] != HELD_OUT_SEED, "the held-out seed was used for training"
    figures = evaluate(Detector(MODEL_DIR, threads=1), HELD_OUT_SEED, HELD_OUT_IMAGES)
    return figures.as_metrics() | {"vision_train_s": card.raw["train_s"]}
