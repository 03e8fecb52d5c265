"""The identifier: a small CNN that tells, from one object's full-resolution crop
(vision/crops.py), which SKU it is, a foreign object, or nothing (a box on a hand or an empty
patch of shelf). The detector only finds objects; this names them. Trained on the same generated
data set as the detector, from the label boxes jittered the way a detector's boxes miss, patches
that hold no labelled object, and the trained detector's own boxes (its mistakes as `nothing`).
Exported to ONNX (identify.onnx) for onnxruntime.

Called by vision/train.py; needs torch (the vision extra)."""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

import numpy as np
from PIL import Image

from vision.calibrate import read_labels
from vision.crops import CROP_HW, SHAPE_FEATURES, Rectangle, crop
from vision.detector import ObjectFinder
from vision.evaluate import iou
from vision.shelf import CLASS_ID, Label

NOTHING = "nothing"  # the identifier's class for a box around no object of ours
JITTER = 0.10  # of the box's size: how far a detector's box edge may sit from the truth
COPIES = 2  # jittered crops per labelled object
NOTHING_SHARE = 0.12
MINED_FLOOR = 0.05  # the detector's boxes from this score up are shown to the identifier
ANGLE_JITTER = 0.05  # radians: how far an oriented detector's angle may be off


def _jittered(box: tuple[float, ...], rng: random.Random) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    return (
        x0 + rng.uniform(-JITTER, JITTER) * w,
        y0 + rng.uniform(-JITTER, JITTER) * h,
        x1 + rng.uniform(-JITTER, JITTER) * w,
        y1 + rng.uniform(-JITTER, JITTER) * h,
    )


def _jittered_along(rectangle: Rectangle, rng: random.Random) -> Rectangle:
    """The rectangle with each edge moved along its own axis and the angle a little off."""
    cx, cy, w, h, angle = rectangle
    left, right = (rng.uniform(-JITTER, JITTER) * w for _ in range(2))
    near, far = (rng.uniform(-JITTER, JITTER) * h for _ in range(2))
    shift_u, shift_v = (right - left) / 2, (far - near) / 2
    cos, sin = math.cos(angle), math.sin(angle)
    return (
        cx + shift_u * cos - shift_v * sin,
        cy + shift_u * sin + shift_v * cos,
        w + left + right,
        h + near + far,
        angle + rng.uniform(-ANGLE_JITTER, ANGLE_JITTER),
    )


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The share of `a` that `b` covers (not IoU: a small patch inside a big item is covered)."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / max(1e-9, (a[2] - a[0]) * (a[3] - a[1]))


def _empty_patch(
    truths: list[tuple[float, ...]], width: int, height: int, rng: random.Random
) -> tuple[float, float, float, float] | None:
    for _ in range(20):
        w, h = rng.uniform(8, width / 4), rng.uniform(8, height / 3)
        x0, y0 = rng.uniform(0, width - w), rng.uniform(0, height - h)
        box = (x0, y0, x0 + w, y0 + h)
        if all(_overlap(box, t) < 0.15 for t in truths):
            return box
    return None


Sample = tuple[int, tuple[float, float, float, float], Rectangle | None]


def _found(
    finder: ObjectFinder, image: Image.Image, labels: list[Label], nothing: int, along: bool
) -> list[Sample]:
    """The trained detector's own boxes on a training image, each with what it truly holds:
    the label it overlaps (IoU ≥ 0.5), or nothing when it overlaps none by 0.3 — a box
    around two neighbours, a fragment, a hand. Its mistakes are what the identifier must
    learn to take confidence from."""
    out: list[Sample] = []
    found = finder.find(image, MINED_FLOOR)
    for box, rectangle in zip(found.boxes, found.turned(), strict=True):
        best = max(labels, key=lambda label: iou(box, label.box), default=None)
        overlap = iou(box, best.box) if best is not None else 0.0
        cut = rectangle if along else None
        if best is not None and overlap >= 0.5:
            out.append((CLASS_ID[best.name], box, cut))
        elif overlap < 0.3:
            out.append((nothing, box, cut))
    return out


def _of_label(label: Label, along: bool, rng: random.Random) -> Sample:
    if along:
        return (CLASS_ID[label.name], label.box, _jittered_along(label.rectangle(), rng))
    return (CLASS_ID[label.name], _jittered(label.box, rng), None)


def crops_of(
    root: Path,
    split: str,
    nothing: int,
    seed: int,
    finder: ObjectFinder | None = None,
    along: bool = False,
) -> tuple[np.ndarray, ...]:
    """Pixels (uint8), shape features and class ids of every crop of one split's images;
    `along`: cut along the objects' own rectangles (an oriented data set and detector)."""
    rng = random.Random(seed)
    pixels, shapes, classes = [], [], []
    images = sorted((root / "images" / split).glob("*.jpg"))
    for path in images:
        image = Image.open(path).convert("RGB")
        labels = read_labels(root / "labels" / split / f"{path.stem}.txt", *image.size)
        samples = [_of_label(label, along, rng) for label in labels for _ in range(COPIES)]
        for _ in range(round(len(samples) * NOTHING_SHARE) + 1):
            patch = _empty_patch([label.box for label in labels], *image.size, rng)
            if patch is not None:
                samples.append((nothing, patch, _upright_rectangle(patch) if along else None))
        if finder is not None:
            samples += _found(finder, image, labels, nothing, along)
        for cls, box, rectangle in samples:
            p, s = crop(image, box, rectangle)
            pixels.append((p * 255).astype(np.uint8))
            shapes.append(s)
            classes.append(cls)
    return np.stack(pixels), np.stack(shapes), np.array(classes, np.int64)


def _upright_rectangle(box: tuple[float, float, float, float]) -> Rectangle:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box[2] - box[0], box[3] - box[1], 0.0)


def _network(classes: int):  # -> torch.nn.Module
    from torch import nn

    def block(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

    class Identifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(
                *block(3, 32), nn.MaxPool2d(2),
                *block(32, 48), nn.MaxPool2d(2),
                *block(48, 96), nn.MaxPool2d(2),
                *block(96, 128), nn.MaxPool2d(2),
                nn.Flatten(),
            )  # fmt: skip
            flat = 128 * (CROP_HW[0] // 16) * (CROP_HW[1] // 16)
            self.head = nn.Sequential(
                nn.Linear(flat + SHAPE_FEATURES, 192), nn.ReLU(), nn.Dropout(0.2),
                nn.Linear(192, classes),
            )  # fmt: skip

        def forward(self, pixels, shape):  # type: ignore[no-untyped-def]
            import torch

            return self.head(torch.cat([self.features(pixels), shape], dim=1))

    return Identifier()


def _augment(pixels, generator):  # type: ignore[no-untyped-def]
    """Random flips along both axes (the cap may point either way) and a little light."""
    import torch

    flip_v = torch.rand(len(pixels), generator=generator) < 0.5
    flip_h = torch.rand(len(pixels), generator=generator) < 0.5
    pixels = torch.where(flip_v[:, None, None, None], pixels.flip(2), pixels)
    pixels = torch.where(flip_h[:, None, None, None], pixels.flip(3), pixels)
    gain = 1 + (torch.rand(len(pixels), 3, 1, 1, generator=generator) - 0.5) * 0.2
    return (pixels * gain).clamp(0, 1)


def train_identifier(
    data_root: Path,
    classes: list[str],
    target: Path,
    *,
    seed: int,
    epochs: int,
    finder: ObjectFinder | None = None,
    along: bool = False,
) -> dict:
    """Trains on data_root's train split, reports accuracy on its val split, writes `target`.
    With `finder` (the trained detector) its boxes on the training images are shown too;
    `along`: crops cut along the objects' rectangles (oriented labels and detector)."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    started = time.monotonic()
    names = [*classes, NOTHING]
    train_x, train_s, train_y = crops_of(data_root, "train", len(classes), seed, finder, along)
    val_x, val_s, val_y = crops_of(data_root, "val", len(classes), seed + 1, along=along)
    cropped_s = time.monotonic() - started
    net = _network(len(names))
    optimiser = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    batches = -(-len(train_y) // 256)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=epochs * batches)
    generator = torch.Generator().manual_seed(seed)
    x, s, y = torch.from_numpy(train_x), torch.from_numpy(train_s), torch.from_numpy(train_y)
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(y), generator=generator)
        for b in range(batches):
            pick = order[b * 256 : (b + 1) * 256]
            pixels = _augment(x[pick].float() / 255, generator)
            loss = torch.nn.functional.cross_entropy(net(pixels, s[pick]), y[pick])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    accuracy = _accuracy(net, val_x, val_s, val_y)
    _export(net, target)
    return {
        "identifier": target.name,
        "identifier_classes": names,
        "identifier_epochs": epochs,
        "identifier_crops": "oriented" if along else "upright",
        "identifier_train_crops": len(train_y),
        "identifier_val_accuracy": round(accuracy, 4),
        "identifier_crop_s": round(cropped_s, 1),
        "identifier_train_s": round(time.monotonic() - started, 1),
    }


def _accuracy(net, pixels: np.ndarray, shapes: np.ndarray, classes: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    import torch

    net.eval()
    right = 0
    with torch.no_grad():
        for b in range(0, len(classes), 1024):
            x = torch.from_numpy(pixels[b : b + 1024]).float() / 255
            guess = net(x, torch.from_numpy(shapes[b : b + 1024])).argmax(1).numpy()
            right += int((guess == classes[b : b + 1024]).sum())
    return right / max(1, len(classes))


def _export(net, target: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    net.eval()
    height, width = CROP_HW
    torch.onnx.export(
        net,
        (torch.zeros(1, 3, height, width), torch.zeros(1, SHAPE_FEATURES)),
        str(target),
        input_names=["pixels", "shape"],
        output_names=["logits"],
        dynamic_axes={"pixels": {0: "n"}, "shape": {0: "n"}, "logits": {0: "n"}},
        dynamo=False,
    )
