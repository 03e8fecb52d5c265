"""Training the shelf detector from its seed, as `make vision-train` does, into a temporary
folder (the committed model is left alone), then the held-out figures of what it trained.
Needs the vision venv (`make vision-venv`); about 30 minutes on 2 cores.

Metrics: vision_train_s (the training run's own measure: generating the data set excluded),
vision_train_generate_s, vision_retrained_map50 and vision_retrained_count_exact_rate on the
held-out seed of bench_vision.py, vision_retrained_bytes.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from tests.bench.bench_vision import HELD_OUT_IMAGES, HELD_OUT_SEED
from vision.detector import Detector
from vision.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
VISION_PYTHON = ROOT / ".venv-vision" / "bin" / "python"


def run() -> dict[str, float]:
    if not VISION_PYTHON.exists():
        raise RuntimeError("the vision venv is missing: run `make vision-venv` first")
    card_of_committed = json.loads((ROOT / "vision" / "model" / "card.json").read_text())
    with tempfile.TemporaryDirectory(prefix="vision-train-") as folder:
        model_dir = Path(folder)
        args = [
            "--seed", str(card_of_committed["data_seed"]),
            "--train", str(card_of_committed["train_images"]),
            "--val", str(card_of_committed["val_images"]),
            "--epochs", str(card_of_committed["epochs"]),
            "--imgsz", str(card_of_committed["imgsz"]),
            "--batch", str(card_of_committed["batch"]),
            "--lr", str(card_of_committed["lr0"]),
            "--identifier-epochs", str(card_of_committed["identifier_epochs"]),
            "--model-dir", str(model_dir),
        ]  # fmt: skip
        for key, value in card_of_committed.get("overrides", {}).items():
            args += ["--set", f"{key}={value}"]
        subprocess.run([str(VISION_PYTHON), "-m", "vision.train", *args], cwd=ROOT, check=True)
        card = json.loads((model_dir / "card.json").read_text())
        figures = evaluate(Detector(model_dir), HELD_OUT_SEED, HELD_OUT_IMAGES)
    return {
        "vision_train_s": card["train_s"],
        "vision_train_generate_s": card["generate_s"],
        "vision_retrained_map50": round(figures.map50, 4),
        "vision_retrained_count_exact_rate": round(figures.count_exact_rate, 4),
        "vision_retrained_bytes": card["bytes"],
    }
