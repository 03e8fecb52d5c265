"""What the identifier sees of one detected object: its box cut from the camera image at the
camera's full resolution (the detector ran on a smaller copy), a little context around it, the
long side turned vertical and stretched to CROP_HW, plus the box's shape and size as numbers
(the stretch hides both). Training (vision/train_identity.py) and the run time
(vision/detector.py) cut crops with this one function, so they cannot drift apart."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

CROP_HW = (64, 32)  # height, width: most of our SKUs are longer than wide
MARGIN = 0.08  # of the box's own size, on each side
SHAPE_FEATURES = 3

Box = tuple[float, float, float, float]


def _grown(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    grow_x, grow_y = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    return (
        max(0, math.floor(x0 - grow_x)),
        max(0, math.floor(y0 - grow_y)),
        min(width, math.ceil(x1 + grow_x)),
        min(height, math.ceil(y1 + grow_y)),
    )


def crop(image: Image.Image, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """(3 x CROP_HW pixels in 0..1, SHAPE_FEATURES numbers) for the object in `box`."""
    x0, y0, x1, y1 = _grown(box, image.width, image.height)
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    piece = image.crop((x0, y0, x1, y1))
    if piece.width > piece.height:
        piece = piece.transpose(Image.Transpose.ROTATE_90)
    height, width = CROP_HW
    piece = piece.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
    pixels = np.asarray(piece, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return pixels, shape_features(box, image.width)


def shape_features(box: Box, image_width: int) -> np.ndarray:
    """The box's long and short side as shares of the image's width (times 4, near 1 for our
    SKUs, as the network's other inputs are), and their log ratio."""
    w, h = max(1.0, box[2] - box[0]), max(1.0, box[3] - box[1])
    long, short = max(w, h), min(w, h)
    return np.array(
        [long / image_width * 4, short / image_width * 4, math.log(long / short)], np.float32
    )


def crops(image: Image.Image, boxes: Sequence[Box]) -> tuple[np.ndarray, np.ndarray]:
    """Every box's crop, stacked: (n, 3, H, W) and (n, SHAPE_FEATURES)."""
    height, width = CROP_HW
    if not boxes:
        return (
            np.zeros((0, 3, height, width), np.float32),
            np.zeros((0, SHAPE_FEATURES), np.float32),
        )
    rgb = image.convert("RGB")
    pairs = [crop(rgb, box) for box in boxes]
    return np.stack([p for p, _ in pairs]), np.stack([s for _, s in pairs])
