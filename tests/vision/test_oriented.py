"""Oriented boxes at run time (vision/detector.py): the overlap measure the OBB model was trained
with, suppression on rectangles, and the upright box round each."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from vision.calibrate import read_labels
from vision.dataset import write_dataset
from vision.detector import ObjectFinder, _nms, _nms_oriented, probiou, upright


def _rect(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    return np.array([cx, cy, w, h, math.radians(degrees)], np.float64)


def test_probiou_is_one_for_the_same_rectangle_and_near_zero_far_away() -> None:
    pen = _rect(100, 100, 10, 140, 6)
    others = np.stack([pen, _rect(400, 100, 10, 140, 6), _rect(100, 100, 140, 10, 96)])
    same, far, turned_half = probiou(pen, others)
    assert same > 0.99 and far < 0.01
    assert turned_half > 0.99  # w and h swapped and turned 90°: the same rectangle


def test_probiou_is_symmetric_and_falls_as_rectangles_part() -> None:
    a, b = _rect(50, 50, 20, 80, 10), _rect(60, 55, 20, 80, -15)
    assert abs(probiou(a, b[None])[0] - probiou(b, a[None])[0]) < 1e-9
    apart = [probiou(a, _rect(50 + dx, 50, 20, 80, 10)[None])[0] for dx in (0, 5, 10, 20, 40)]
    assert apart == sorted(apart, reverse=True)


def test_upright_box_of_a_turned_rectangle() -> None:
    (box,) = upright(_rect(100, 50, 40, 10, 90)[None])
    assert np.allclose(box, [95, 30, 105, 70])
    (box,) = upright(_rect(0, 0, 10, 100, 30)[None])
    half_w = (10 * math.cos(math.radians(30)) + 100 * math.sin(math.radians(30))) / 2
    assert np.isclose(box[2], half_w) and np.isclose(box[0], -half_w)


def test_two_slanted_pens_side_by_side_survive_on_rectangles_not_on_upright_boxes() -> None:
    """Two pens 12 px apart at 18°: their upright boxes overlap more than the threshold, so
    upright suppression keeps one; their own rectangles barely touch, and a duplicate of the
    first is still suppressed."""
    first, second = _rect(100, 100, 11, 140, 18), _rect(112, 100, 11, 140, 18)
    duplicate = _rect(101, 101, 11, 138, 18)
    rows = np.stack([first, second, duplicate])
    scores = np.array([0.9, 0.8, 0.7])
    assert _nms_oriented(rows, scores, 0.6) == [0, 1]
    assert _nms(upright(rows), scores, 0.6) == [0]


def test_read_labels_takes_oriented_labels_as_their_upright_boxes(tmp_path) -> None:
    root = write_dataset(tmp_path, seed=9, train=1, val=1, size=(640, 480), oriented=True).parent
    labels = read_labels(root / "labels" / "val" / "00000.txt", 640, 480)
    assert labels
    for label in labels:
        xs, ys = [c[0] for c in label.corners], [c[1] for c in label.corners]
        assert label.box == (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
        assert 0 <= label.box[0] < label.box[2] <= 640 and 0 <= label.box[1] < label.box[3] <= 480


class _Outputs:
    """Stands in for an oriented model's onnxruntime session: the raw rows it would give."""

    def __init__(self, rows: list[list[float]]) -> None:
        self.rows = np.array(rows, np.float32).T[None]  # (1, 6, anchors), as exported

    def run(self, _names, _feeds):  # type: ignore[no-untyped-def]
        return [self.rows]


def test_an_oriented_model_s_rectangles_come_back_in_the_camera_image_s_pixels() -> None:
    """A 640 x 480 image letterboxed into 352 x 288: scale 0.55, 12 px of padding above.
    A pen, a near copy of it (suppressed), its neighbour, and noise under the floor."""
    scale, pad_y = 0.55, 12

    def row(cx: float, cy: float, w: float, h: float, score: float, angle: float) -> list[float]:
        return [cx * scale, cy * scale + pad_y, w * scale, h * scale, score, angle]

    finder = ObjectFinder.__new__(ObjectFinder)
    finder._session = _Outputs(
        [
            row(100, 200, 11, 140, 0.9, 0.3),
            row(101, 201, 11, 138, 0.8, 0.3),
            row(125, 200, 11, 140, 0.7, 0.3),
            row(400, 300, 50, 50, 0.05, 0.0),
        ]
    )
    finder._input, finder._input_hw, finder._iou = "images", (288, 352), 0.6
    found = finder.find(Image.new("RGB", (640, 480)), floor=0.1)
    assert found.scores == pytest.approx([0.9, 0.7])
    assert found.turned() == found.rectangles
    (cx, cy, w, h, angle), neighbour = found.rectangles
    assert (cx, cy, w, h, angle) == pytest.approx((100, 200, 11, 140, 0.3), abs=1e-3)
    assert neighbour[0] == pytest.approx(125, abs=1e-3)
    half_x = (11 * math.cos(0.3) + 140 * math.sin(0.3)) / 2
    half_y = (11 * math.sin(0.3) + 140 * math.cos(0.3)) / 2
    assert found.boxes[0] == pytest.approx(
        (100 - half_x, 200 - half_y, 100 + half_x, 200 + half_y), abs=1e-3
    )


def test_an_upright_model_gives_no_rectangles() -> None:
    finder = ObjectFinder.__new__(ObjectFinder)
    finder._session = _Outputs([[176, 144, 35, 35, 0.9]])  # (cx, cy, w, h, score)
    finder._input, finder._input_hw, finder._iou = "images", (288, 352), 0.6
    found = finder.find(Image.new("RGB", (640, 480)), floor=0.1)
    assert found.rectangles == [] and found.turned() == [None]
    assert found.boxes[0] == pytest.approx((288.18, 208.18, 351.82, 271.82), abs=0.01)
