"""The shelf detector at run time: the ONNX export of the trained YOLO model (vision/model/,
written by `make vision-train`) run with onnxruntime on the CPU — the web app and the jobs need
neither torch nor ultralytics. Letterbox in, YOLO11's (4 + classes) x anchors out, class-aware
non-maximum suppression, boxes back in the camera image's pixels."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

MODEL_DIR = Path(__file__).resolve().parent / "model"
LOW_CONFIDENCE = 0.10  # below this a box is noise (vision/regions.py decides what counts)
PAD_GREY = 114  # ultralytics' letterbox colour


@dataclass(frozen=True)
class Detection:
    name: str  # a SKU or "foreign"
    confidence: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the camera image's pixels

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


@dataclass(frozen=True)
class ModelCard:
    classes: tuple[str, ...]
    input_hw: tuple[int, int]
    raw: dict

    @classmethod
    def read(cls, model_dir: Path) -> ModelCard:
        raw = json.loads((model_dir / "card.json").read_text())
        return cls(tuple(raw["classes"]), tuple(raw["input_hw"]), raw)  # type: ignore[arg-type]


def _letterbox(image: Image.Image, height: int, width: int) -> tuple[np.ndarray, float, int, int]:
    scale = min(width / image.width, height / image.height)
    new_w, new_h = round(image.width * scale), round(image.height * scale)
    pad_x, pad_y = (width - new_w) // 2, (height - new_h) // 2
    canvas = Image.new("RGB", (width, height), (PAD_GREY,) * 3)
    canvas.paste(
        image.convert("RGB").resize((new_w, new_h), Image.Resampling.BILINEAR), (pad_x, pad_y)
    )
    tensor = np.asarray(canvas, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return tensor, scale, pad_x, pad_y


def _nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Greedy non-maximum suppression; indexes kept, best first."""
    order = scores.argsort()[::-1]
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    kept: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        kept.append(int(best))
        x0 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
        overlap = inter / (areas[best] + areas[rest] - inter + 1e-9)
        order = rest[overlap <= iou]
    return kept


class Detector:
    """One loaded model; `detect` is safe to call from several threads (onnxruntime's run is)."""

    def __init__(self, model_dir: Path = MODEL_DIR, *, threads: int = 1, iou: float = 0.6) -> None:
        import onnxruntime  # imported here: the web app pays for it only when vision is used

        self.card = ModelCard.read(model_dir)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model_dir / self.card.raw["model"]), options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._iou = iou

    def detect(self, image: Image.Image, floor: float = LOW_CONFIDENCE) -> list[Detection]:
        """Every box at or above `floor` confidence, best first."""
        height, width = self.card.input_hw
        tensor, scale, pad_x, pad_y = _letterbox(image, height, width)
        (output,) = self._session.run(None, {self._input: tensor[None]})
        rows = output[0].T  # anchors x (cx, cy, w, h, class scores...)
        scores = rows[:, 4:]
        classes = scores.argmax(axis=1)
        best = scores[np.arange(len(rows)), classes]
        keep = best >= floor
        rows, classes, best = rows[keep], classes[keep], best[keep]
        if not len(rows):
            return []
        cx, cy, w, h = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
        boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        offset = classes[:, None].astype(np.float32) * 4096.0  # class-aware suppression
        kept = _nms(boxes + offset, best, self._iou)
        out = []
        for i in kept:
            x0, y0, x1, y1 = boxes[i]
            box = (
                float(np.clip((x0 - pad_x) / scale, 0, image.width)),
                float(np.clip((y0 - pad_y) / scale, 0, image.height)),
                float(np.clip((x1 - pad_x) / scale, 0, image.width)),
                float(np.clip((y1 - pad_y) / scale, 0, image.height)),
            )
            out.append(Detection(self.card.classes[int(classes[i])], float(best[i]), box))
        return out

    def detect_many(self, images: Sequence[Image.Image]) -> list[list[Detection]]:
        return [self.detect(image) for image in images]


_lock = threading.Lock()


@lru_cache(maxsize=2)
def _cached(model_dir: Path, threads: int) -> Detector:
    return Detector(model_dir, threads=threads)


def shared_detector(model_dir: Path = MODEL_DIR, threads: int = 1) -> Detector:
    """The process's detector for this model (loaded once: about 30 ms and 20 MB)."""
    with _lock:
        return _cached(model_dir, threads)


def model_available(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / "card.json").exists()
