"""What the identifier is shown of an object (vision/crops.py): the box at full resolution, the
long side vertical, the shape kept as numbers."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from vision.crops import CROP_HW, SHAPE_FEATURES, crop, crops


def _pen(horizontal: bool) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """A grey shelf with one red-capped blue stick, 120 x 12 px, lying either way."""
    image = Image.new("RGB", (640, 480), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    if horizontal:
        draw.rectangle((100, 200, 219, 211), fill=(40, 70, 190))
        draw.rectangle((100, 200, 129, 211), fill=(200, 40, 40))
        return image, (100, 200, 220, 212)
    draw.rectangle((300, 100, 311, 219), fill=(40, 70, 190))
    draw.rectangle((300, 100, 311, 129), fill=(200, 40, 40))
    return image, (300, 100, 312, 220)


def test_a_crop_is_the_box_long_side_vertical_in_the_fixed_size() -> None:
    image, box = _pen(horizontal=False)
    pixels, shape = crop(image, box)
    assert pixels.shape == (3, *CROP_HW) and pixels.dtype == np.float32
    assert pixels.min() >= 0.0 and pixels.max() <= 1.0
    centre = pixels[:, CROP_HW[0] // 2, CROP_HW[1] // 2] * 255
    assert np.allclose(centre, (40, 70, 190), atol=3)  # the body, not the shelf
    top = pixels[:, 6, CROP_HW[1] // 2] * 255
    assert np.allclose(top, (200, 40, 40), atol=3)  # the cap, at the top
    assert shape.shape == (SHAPE_FEATURES,)
    assert math.isclose(shape[2], math.log(120 / 12), rel_tol=1e-5)


def test_a_lying_object_is_turned_upright_and_keeps_its_shape_numbers() -> None:
    upright, box_up = _pen(horizontal=False)
    lying, box_lying = _pen(horizontal=True)
    pixels_up, shape_up = crop(upright, box_up)
    pixels_lying, shape_lying = crop(lying, box_lying)
    assert pixels_lying.shape == pixels_up.shape
    assert np.allclose(shape_up, shape_lying)
    # Turned a quarter: the red cap is now at one end of the long side, as upright.
    ends = [pixels_lying[:, row, CROP_HW[1] // 2] * 255 for row in (6, CROP_HW[0] - 7)]
    assert any(np.allclose(end, (200, 40, 40), atol=3) for end in ends)


def test_a_box_at_the_edge_or_thinner_than_a_pixel_still_gives_a_crop() -> None:
    image, _ = _pen(horizontal=False)
    for box in [(630.0, 470.0, 640.0, 480.0), (10.0, 10.0, 10.2, 40.0), (-5.0, -5.0, 20.0, 8.0)]:
        pixels, shape = crop(image, box)
        assert pixels.shape == (3, *CROP_HW)
        assert np.isfinite(shape).all()


def test_crops_stacks_every_box_and_none_gives_empty_arrays() -> None:
    image, box = _pen(horizontal=False)
    pixels, shapes = crops(image, [box, (0.0, 0.0, 50.0, 30.0)])
    assert pixels.shape == (2, 3, *CROP_HW) and shapes.shape == (2, SHAPE_FEATURES)
    none_pixels, none_shapes = crops(image, [])
    assert none_pixels.shape == (0, 3, *CROP_HW) and none_shapes.shape == (0, SHAPE_FEATURES)


def _slanted_pen(degrees: float) -> tuple[Image.Image, tuple[float, ...], tuple[float, ...]]:
    """A 120 x 12 px blue stick with a red cap, turned `degrees`, beside a green neighbour."""
    image = Image.new("RGB", (640, 480), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    theta = math.radians(degrees)
    along, across = (math.sin(theta), -math.cos(theta)), (math.cos(theta), math.sin(theta))

    def quad(a0: float, a1: float, c0: float, c1: float, dx: float = 0.0) -> list:
        return [
            (320 + dx + along[0] * a + across[0] * c, 240 + along[1] * a + across[1] * c)
            for a, c in ((a0, c0), (a0, c1), (a1, c1), (a1, c0))
        ]

    draw.polygon(quad(-60, 60, -6, 6, dx=30), fill=(40, 160, 60))  # the neighbour, 30 px right
    draw.polygon(quad(-60, 60, -6, 6), fill=(40, 70, 190))
    draw.polygon(quad(30, 60, -6, 6), fill=(200, 40, 40))  # the cap, at one end
    xs, ys = zip(*quad(-60, 60, -6, 6), strict=True)
    box = (min(xs), min(ys), max(xs), max(ys))
    return image, box, (320.0, 240.0, 12.0, 120.0, theta)


def test_an_object_found_as_a_rectangle_is_cut_along_it_and_measured_as_itself() -> None:
    """A pen slanted 25°: the upright crop holds shelf and the neighbour beside it and
    measures the box round it; the crop along its rectangle is the pen alone, its own size."""
    image, box, rectangle = _slanted_pen(25)
    along_pixels, along_shape = crop(image, box, rectangle)
    upright_pixels, upright_shape = crop(image, box)
    assert along_pixels.shape == upright_pixels.shape == (3, *CROP_HW)
    column = along_pixels[:, 8:-8, CROP_HW[1] // 2] * 255  # down the middle, ends left out
    blue_or_red = [
        np.allclose(c, (40, 70, 190), atol=25) or np.allclose(c, (200, 40, 40), atol=25)
        for c in column.T
    ]
    assert all(blue_or_red)
    assert math.isclose(along_shape[2], math.log(120 / 12), rel_tol=1e-5)
    assert upright_shape[2] < math.log(120 / 12) / 2  # the upright box is far less elongated
    green = np.array([0.157, 0.627, 0.235])[:, None, None]
    assert (np.abs(upright_pixels - green).max(axis=0) < 0.1).any()  # the neighbour shows
    assert not (np.abs(along_pixels - green).max(axis=0) < 0.1).any()


def test_crops_along_rectangles_stack_with_upright_ones() -> None:
    image, box, rectangle = _slanted_pen(-40)
    pixels, shapes = crops(image, [box, box], [rectangle, None])
    assert pixels.shape == (2, 3, *CROP_HW) and shapes.shape == (2, SHAPE_FEATURES)
    assert not np.allclose(pixels[0], pixels[1])
