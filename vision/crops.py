"""What the identifier sees of one detected object: its box cut from the camera image at the
camera's full resolution (the detector ran on a smaller copy), a little context around it, the
long side turned vertical and stretched to CROP_HW, plus the box's shape and size as numbers
(the stretch hides both). Training (vision/train_identity.py) and the run time
(vision/detector.py) cut crops with this one function, so they cannot drift apart.

An object found as an oriented rectangle (the OBB detector) is cut along its own axes: a slanted
pen fills its crop instead of a corner of it, and its shape numbers are its own length and
width, not those of the upright box round it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image

CROP_HW = (64, 32)  # height, width: most of our SKUs are longer than wide
MARGIN = 0.08  # of the box's own size, on each side
SHAPE_FEATURES = 3

Box = tuple[float, float, float, float]
Rectangle = tuple[float, float, float, float, float]  # cx, cy, w, h, angle of w (radians)


def _grown(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    grow_x, grow_y = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    return (
        max(0, math.floor(x0 - grow_x)),
        max(0, math.floor(y0 - grow_y)),
        min(width, math.ceil(x1 + grow_x)),
        min(height, math.ceil(y1 + grow_y)),
    )


def crop(
    image: Image.Image, box: Box, rectangle: Rectangle | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(3 x CROP_HW pixels in 0..1, SHAPE_FEATURES numbers) for the object in `box`, or along
    `rectangle` when it was found as one."""
    if rectangle is not None:
        return _along(image, rectangle)
    x0, y0, x1, y1 = _grown(box, image.width, image.height)
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    piece = image.crop((x0, y0, x1, y1))
    if piece.width > piece.height:
        piece = piece.transpose(Image.Transpose.ROTATE_90)
    height, width = CROP_HW
    piece = piece.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
    pixels = np.asarray(piece, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return pixels, shape_features(box, image.width)


def _along(image: Image.Image, rectangle: Rectangle) -> tuple[np.ndarray, np.ndarray]:
    """The rectangle plus MARGIN, long side vertical, cut straight out of the image (what lies
    outside the image is black)."""
    cx, cy, w, h, angle = rectangle
    u = (math.cos(angle), math.sin(angle))  # along w
    v = (-u[1], u[0])  # along h
    (along, half_long), (across, half_short) = sorted(
        [(u, max(0.5, w / 2)), (v, max(0.5, h / 2))], key=lambda pair: -pair[1]
    )
    half_long, half_short = half_long * (1 + 2 * MARGIN), half_short * (1 + 2 * MARGIN)

    def corner(a: float, b: float) -> tuple[float, float]:
        return (
            cx + along[0] * a * half_long + across[0] * b * half_short,
            cy + along[1] * a * half_long + across[1] * b * half_short,
        )

    # QUAD: the source points of the output's upper left, lower left, lower right, upper right
    quad = (*corner(-1, -1), *corner(1, -1), *corner(1, 1), *corner(-1, 1))
    height, width = CROP_HW
    piece = image.transform(
        (width, height), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR
    ).convert("RGB")
    pixels = np.asarray(piece, dtype=np.float32).transpose(2, 0, 1) / 255.0
    return pixels, _features(max(w, h), min(w, h), image.width)


def shape_features(box: Box, image_width: int) -> np.ndarray:
    """The box's long and short side as shares of the image's width (times 4, near 1 for our
    SKUs, as the network's other inputs are), and their log ratio."""
    w, h = max(1.0, box[2] - box[0]), max(1.0, box[3] - box[1])
    return _features(max(w, h), min(w, h), image_width)


def _features(long: float, short: float, image_width: int) -> np.ndarray:
    long, short = max(1.0, long), max(1.0, short)
    return np.array(
        [long / image_width * 4, short / image_width * 4, math.log(long / short)], np.float32
    )


def crops(
    image: Image.Image,
    boxes: Sequence[Box],
    rectangles: Sequence[Rectangle | None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every box's crop (along its rectangle where one is given), stacked: (n, 3, H, W) and
    (n, SHAPE_FEATURES)."""
    height, width = CROP_HW
    if not boxes:
        return (
            np.zeros((0, 3, height, width), np.float32),
            np.zeros((0, SHAPE_FEATURES), np.float32),
        )
    rgb = image.convert("RGB")
    turned = rectangles if rectangles is not None else [None] * len(boxes)
    pairs = [crop(rgb, box, rectangle) for box, rectangle in zip(boxes, turned, strict=True)]
    return np.stack([p for p, _ in pairs]), np.stack([s for _, s in pairs])
