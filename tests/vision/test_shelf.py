"""The shelf image generator (vision/shelf.py): its labels are what was drawn and is visible."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image

from vision.appearance import LOOKS
from vision.dataset import write_dataset
from vision.shelf import (
    CLASS_ID,
    Scene,
    SlotContent,
    SlotRegion,
    _oriented,
    counts,
    random_scene,
    render,
)

WHOLE = SlotRegion("A1", (0, 0, 640, 480))


def _scene(*slots: SlotContent, hand: bool = False, foreign: bool = False) -> Scene:
    return Scene(640, 480, 1.0, slots, hand=hand, foreign=foreign)


def _near(colour: tuple[int, int, int], wanted: tuple[int, int, int], within: int = 13) -> bool:
    return all(abs(a - b) <= within for a, b in zip(colour, wanted, strict=True))


def _iou(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def test_every_label_lies_on_its_sku_s_colours_inside_its_slot() -> None:
    rng = random.Random(11)
    for _ in range(15):
        scene = random_scene(rng)
        image, labels = render(scene, rng, optics=False)
        for label in labels:
            if label.name == "foreign":
                continue
            look = LOOKS[label.name]
            colours = [c for _, c in image.crop(label.box).getcolors(maxcolors=1 << 20)]
            assert any(_near(c, look.body) or _near(c, look.accent) for c in colours), label
            assert label.slot is not None and label.visible >= 0.35
        planned = {c.region.code: (c.sku, c.count) for c in scene.slots}
        for slot, found in counts([x for x in labels if x.name != "foreign"]).items():
            ((sku, n),) = found.items()  # one SKU per slot, never more than were put there
            assert sku == planned[slot][0] and n <= planned[slot][1]


def test_one_instance_is_one_label_of_its_size_and_the_lens_moves_it_with_it() -> None:
    scene = _scene(SlotContent(WHOLE, "sticky-notes", 1))  # 76 x 76 mm at 1 mm a pixel
    _, drawn = render(scene, random.Random(3), optics=False)
    _, seen = render(scene, random.Random(3))
    ((label,),) = (drawn,)
    x0, y0, x1, y1 = label.box
    assert 72 <= x1 - x0 <= 100 and 72 <= y1 - y0 <= 100  # a few degrees turned at most
    (through_lens,) = seen
    assert _iou(label.box, through_lens.box) > 0.5
    assert label.yolo(640, 480).split()[0] == str(CLASS_ID["sticky-notes"])


def test_empty_slots_and_the_hand_give_no_label_and_a_foreign_object_does() -> None:
    left, right = SlotRegion("A1", (0, 0, 320, 480)), SlotRegion("A2", (320, 0, 640, 480))
    scene = _scene(SlotContent(left, None), SlotContent(right, None), hand=True, foreign=True)
    for seed in range(5):
        _, labels = render(scene, random.Random(seed))
        assert {label.name for label in labels} <= {"foreign"}
    _, labels = render(_scene(SlotContent(left, None), foreign=True), random.Random(1))
    assert [label.name for label in labels] == ["foreign"]


def test_a_hidden_instance_is_not_labelled() -> None:
    """Twenty pens in a slot that holds a few: some are covered by the later ones."""
    small = SlotRegion("A1", (0, 0, 120, 200))
    _, labels = render(_scene(SlotContent(small, "pen-gel-black", 20)), random.Random(5))
    assert 0 < len(labels) < 20


def test_the_same_seed_draws_the_same_image_and_labels() -> None:
    first, second = random.Random(42), random.Random(42)
    scene_a, scene_b = random_scene(first), random_scene(second)
    image_a, labels_a = render(scene_a, first)
    image_b, labels_b = render(scene_b, second)
    assert scene_a == scene_b and labels_a == labels_b and image_a.tobytes() == image_b.tobytes()


def test_the_data_set_holds_one_label_file_per_image_in_yolo_form(tmp_path) -> None:
    data = write_dataset(tmp_path, seed=7, train=4, val=2, size=(320, 240))
    assert f"  {CLASS_ID['foreign']}: foreign" in data.read_text()
    for split, count in (("train", 4), ("val", 2)):
        images = sorted((tmp_path / "images" / split).glob("*.jpg"))
        labels = sorted((tmp_path / "labels" / split).glob("*.txt"))
        assert [p.stem for p in images] == [p.stem for p in labels] and len(images) == count
        for path in labels:
            for line in path.read_text().splitlines():
                name, *box = line.split()
                assert 0 <= int(name) < len(CLASS_ID) and all(0 <= float(v) <= 1 for v in box)


def test_training_shows_more_foreign_objects_than_the_evaluation_draws(tmp_path) -> None:
    def shelves_with_foreign(share: float | None) -> int:
        rng = random.Random(5)
        extra = {} if share is None else {"foreign_share": share}
        return sum(random_scene(rng, **extra).foreign for _ in range(400))

    assert shelves_with_foreign(0.0) == 0
    assert shelves_with_foreign(1.0) == 400
    assert 20 <= shelves_with_foreign(None) <= 60  # the evaluation's one in ten
    write_dataset(tmp_path, seed=3, train=40, val=10, size=(320, 240))
    foreign = str(CLASS_ID["foreign"])
    labelled = [
        any(line.split()[0] == foreign for line in path.read_text().splitlines())
        for path in sorted((tmp_path / "labels" / "train").glob("*.txt"))
    ]
    assert sum(labelled) >= 6  # a third of 40 shelves, less the objects hidden by others


def _polygon_area(corners: tuple[tuple[float, float], ...]) -> float:
    pairs = zip(corners, corners[1:] + corners[:1], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def test_a_slanted_stick_s_oriented_box_is_its_own_size_and_far_smaller_than_its_upright_one() -> (
    None
):
    """A 140 x 11 mm pen at 1 mm a pixel, turned: its rectangle keeps the pen's size whatever
    the turn, while the upright box round it grows with the angle."""
    rng = random.Random(21)
    slanted = 0
    for _ in range(40):
        _, (label,) = render(_scene(SlotContent(WHOLE, "pen-gel-black", 1)), rng, optics=False)
        if label.box[1] == 0 or label.box[3] == 480:
            continue  # placed partly outside the image: what is left is shorter
        (ax, ay), (bx, by), (cx, cy) = label.corners[:3]
        sides = sorted(
            [((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5, ((cx - bx) ** 2 + (cy - by) ** 2) ** 0.5]
        )
        assert 9 <= sides[0] <= 14 and 136 <= sides[1] <= 148, sides
        x0, y0, x1, y1 = label.box
        upright = (x1 - x0) * (y1 - y0)
        assert _polygon_area(label.corners) <= upright * 1.1  # rasterised at a small turn
        slanted += upright > 2 * _polygon_area(label.corners)
    assert slanted >= 10  # gauss(0, 6°): a third or more of the pens lie visibly slanted


def test_the_oriented_box_holds_every_visible_pixel_and_little_else() -> None:
    """A 100 x 10 pixel bar turned 20°, either way: its rectangle encloses every pixel of it
    and is about its size."""
    for angle in (20.0, -20.0):
        bar = Image.new("L", (10, 100), 255).rotate(angle, expand=True)
        pixels = np.asarray(bar) > 127
        corners = _oriented(pixels, (50, 30, 50 + bar.width, 30 + bar.height), 20.0)
        (ax, ay), (bx, by), _, (dx, dy) = corners
        u, v = np.array([bx - ax, by - ay]), np.array([dx - ax, dy - ay])
        ys, xs = np.nonzero(pixels)
        offsets = np.stack([xs + 50.5 - ax, ys + 30.5 - ay], axis=1)
        along_u, along_v = offsets @ u / (u @ u), offsets @ v / (v @ v)
        assert (
            along_u.min() >= 0 and along_u.max() <= 1 and along_v.min() >= 0 and along_v.max() <= 1
        )
        assert abs(float(u @ v)) < 1e-6
        assert 900 <= _polygon_area(corners) <= 1250, _polygon_area(corners)


def test_an_oriented_data_set_writes_four_corners_a_label(tmp_path) -> None:
    write_dataset(tmp_path, seed=7, train=2, val=1, size=(320, 240), oriented=True)
    lines = [
        line.split()
        for path in sorted((tmp_path / "labels").rglob("*.txt"))
        for line in path.read_text().splitlines()
    ]
    assert lines and all(len(parts) == 9 for parts in lines)
    assert all(0 <= float(v) <= 1 for parts in lines for v in parts[1:])
