"""The shelf detector at run time, two ONNX models (vision/model/, written by `make
vision-train`) run with onnxruntime on the CPU — the web app and the jobs need neither torch nor
ultralytics:

1. shelf.onnx, a one-class YOLO, finds the objects: letterbox in, (4 + 1) x anchors out,
   non-maximum suppression, boxes back in the camera image's pixels;
2. identify.onnx names each object from its crop at the camera's full resolution
   (vision/crops.py): a SKU, a foreign object, or nothing.

A box's confidence is the detector's times the identifier's for the name it gives, mapped through
the card's calibration curve (vision/calibrate.py) to how often such a box is right."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from vision.calibrate import apply
from vision.crops import Rectangle, crops

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


def _covariance(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, c) of the Gaussian [[a, c], [c, b]] of each (cx, cy, w, h, angle) rectangle."""
    a, b, angle = rows[:, 2] ** 2 / 12, rows[:, 3] ** 2 / 12, rows[:, 4]
    cos, sin = np.cos(angle), np.sin(angle)
    return a * cos**2 + b * sin**2, a * sin**2 + b * cos**2, (a - b) * cos * sin


def probiou(one: np.ndarray, rest: np.ndarray, eps: float = 1e-7) -> np.ndarray:
    """How much one oriented rectangle overlaps each of `rest` (all cx, cy, w, h, angle): one
    minus the Hellinger distance of their Gaussians, as ultralytics' OBB training and NMS
    measure it (arXiv 2106.06072)."""
    a1, b1, c1 = (v[0] for v in _covariance(one[None]))
    a2, b2, c2 = _covariance(rest)
    dx, dy = one[0] - rest[:, 0], one[1] - rest[:, 1]
    a, b, c = a1 + a2, b1 + b2, c1 + c2
    det = a * b - c**2
    t1 = (a * dy**2 + b * dx**2) / (det + eps) * 0.25
    t2 = (c * -dx * dy) / (det + eps) * 0.5
    own = np.clip(a1 * b1 - c1**2, 0, None) * np.clip(a2 * b2 - c2**2, 0, None)
    t3 = np.log(det / (4 * np.sqrt(own) + eps) + eps) * 0.5
    distance = np.clip(t1 + t2 + t3, eps, 100.0)
    return 1 - np.sqrt(1.0 - np.exp(-distance) + eps)


def _nms_oriented(rows: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Greedy non-maximum suppression of oriented rectangles; indexes kept, best first."""
    order = scores.argsort()[::-1]
    kept: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        kept.append(int(best))
        order = rest[probiou(rows[best], rows[rest]) <= iou]
    return kept


def upright(rows: np.ndarray) -> np.ndarray:
    """The upright box (x0, y0, x1, y1) round each (cx, cy, w, h, angle) rectangle."""
    cos, sin = np.abs(np.cos(rows[:, 4])), np.abs(np.sin(rows[:, 4]))
    half_x = (rows[:, 2] * cos + rows[:, 3] * sin) / 2
    half_y = (rows[:, 2] * sin + rows[:, 3] * cos) / 2
    return np.stack(
        [rows[:, 0] - half_x, rows[:, 1] - half_y, rows[:, 0] + half_x, rows[:, 1] + half_y],
        axis=1,
    )


def _session(path: Path, threads: int):  # -> onnxruntime.InferenceSession
    import onnxruntime  # imported here: the web app pays for it only when vision is used

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


Box = tuple[float, float, float, float]


@dataclass
class Found:
    """What the first stage found: upright boxes in the camera image's pixels, their scores,
    and (from an oriented model) each one's own rectangle, else nothing."""

    boxes: list[Box]
    scores: list[float]
    rectangles: list[Rectangle]

    def turned(self) -> list[Rectangle | None]:
        return list(self.rectangles) if self.rectangles else [None] * len(self.boxes)


class ObjectFinder:
    """Stage 1, the one-class YOLO: where the objects are, not what they are. Its boxes are
    upright; a model trained on oriented boxes (the OBB task: one more output, the angle) is
    suppressed on its rectangles and then gives the upright box round each."""

    def __init__(
        self, model: Path, input_hw: tuple[int, int], *, threads: int = 1, iou: float = 0.6
    ) -> None:
        self._session = _session(model, threads)
        self._input = self._session.get_inputs()[0].name
        self._input_hw = input_hw
        self._iou = iou

    def find(self, image: Image.Image, floor: float) -> Found:
        """Boxes in the camera image's pixels and their scores, after suppression."""
        height, width = self._input_hw
        tensor, scale, pad_x, pad_y = _letterbox(image, height, width)
        (output,) = self._session.run(None, {self._input: tensor[None]})
        rows = output[0].T  # anchors x (cx, cy, w, h, score[, angle])
        rows = rows[rows[:, 4] >= floor]
        if not len(rows):
            return Found([], [], [])
        rectangles: np.ndarray | None = None
        if rows.shape[1] == 6:
            rectangles = rows[:, [0, 1, 2, 3, 5]]
            kept = _nms_oriented(rectangles, rows[:, 4], self._iou)
            boxes = upright(rectangles)
        else:
            cx, cy, w, h = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
            boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
            kept = _nms(boxes, rows[:, 4], self._iou)
        found = Found([], [float(rows[i, 4]) for i in kept], [])
        for i in kept:
            x0, y0, x1, y1 = boxes[i]
            found.boxes.append(
                (
                    float(np.clip((x0 - pad_x) / scale, 0, image.width)),
                    float(np.clip((y0 - pad_y) / scale, 0, image.height)),
                    float(np.clip((x1 - pad_x) / scale, 0, image.width)),
                    float(np.clip((y1 - pad_y) / scale, 0, image.height)),
                )
            )
            if rectangles is not None:
                cx, cy, w, h, angle = (float(v) for v in rectangles[i])
                found.rectangles.append(
                    ((cx - pad_x) / scale, (cy - pad_y) / scale, w / scale, h / scale, angle)
                )
        return found


class Detector:
    """One loaded model; `detect` is safe to call from several threads (onnxruntime's run is)."""

    def __init__(
        self,
        model_dir: Path = MODEL_DIR,
        *,
        threads: int = 1,
        iou: float = 0.6,
        calibrated: bool = True,
    ) -> None:
        self.card = ModelCard.read(model_dir)
        self.finder = ObjectFinder(
            model_dir / self.card.raw["model"], self.card.input_hw, threads=threads, iou=iou
        )
        self._identifier = _session(model_dir / self.card.raw["identifier"], threads)
        self._names = tuple(self.card.raw["identifier_classes"])
        self._named = np.array([name in self.card.classes for name in self._names])
        # an identifier trained on crops along the objects' own rectangles is shown those
        self._along = self.card.raw.get("identifier_crops") == "oriented"
        curve = self.card.raw.get("calibration") if calibrated else None
        self._curve = (float(curve[0]), float(curve[1])) if curve else None

    def detect(self, image: Image.Image, floor: float = LOW_CONFIDENCE) -> list[Detection]:
        """Every object at or above `floor` confidence, named, best first."""
        seen = self.finder.find(image, floor)
        boxes, found = seen.boxes, seen.scores
        if not boxes:
            return []
        pixels, shapes = crops(image, boxes, seen.turned() if self._along else None)
        (logits,) = self._identifier.run(None, {"pixels": pixels, "shape": shapes})
        odds = np.exp(logits - logits.max(axis=1, keepdims=True))
        odds = odds / odds.sum(axis=1, keepdims=True)
        odds[:, ~self._named] = 0.0  # "nothing" only takes confidence away
        names = odds.argmax(axis=1)
        out = [
            Detection(self._names[n], self._confidence(found[i] * odds[i, n]), boxes[i])
            for i, n in enumerate(names)
        ]
        return sorted((d for d in out if d.confidence >= floor), key=lambda d: -d.confidence)

    def _confidence(self, raw: float) -> float:
        return float(raw) if self._curve is None else apply(self._curve, float(raw))

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
