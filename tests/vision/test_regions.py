"""Counting per slot region (vision/regions.py) and the detector's figures (vision/evaluate.py)."""

from __future__ import annotations

import pytest

from vision.detector import Detection
from vision.evaluate import average_precision, map50
from vision.regions import COUNTED, FOREIGN_COUNTED, SURE, Region, count_slots, inside, slot_of
from vision.shelf import Label

LEFT, RIGHT = Region.box("A1", 0, 0, 320, 480), Region.box("A2", 320, 0, 640, 480)


def _at(x: float, y: float, name: str = "pen", confidence: float = 0.9) -> Detection:
    return Detection(name, confidence, (x - 5, y - 20, x + 5, y + 20))


def test_a_point_is_in_exactly_one_of_two_adjacent_regions() -> None:
    assert slot_of((100, 100), [LEFT, RIGHT]) == "A1"
    assert slot_of((320, 100), [LEFT, RIGHT]) == "A2"  # the shared edge belongs to one
    assert slot_of((700, 100), [LEFT, RIGHT]) is None


def test_a_slanted_polygon_follows_its_edges() -> None:
    trapezoid = ((100, 0), (300, 0), (400, 200), (0, 200))  # wider at the bottom (perspective)
    assert inside((20, 190), trapezoid) and not inside((20, 10), trapezoid)


def test_counts_per_slot_by_centre_and_every_region_reported() -> None:
    found = [_at(100, 100), _at(150, 200), _at(400, 200, "pad"), _at(315, 100)]
    slots = count_slots(found, [LEFT, RIGHT, Region.box("B1", 0, 480, 640, 600)])
    assert dict(slots["A1"].counts) == {"pen": 3}
    assert dict(slots["A2"].counts) == {"pad": 1}
    assert dict(slots["B1"].counts) == {} and slots["B1"].sure


def test_a_slot_is_sure_when_its_boxes_together_are_right_often_enough() -> None:
    """Calibrated confidences: the count is right with the product of each box's chance of
    having been judged right (p counted, 1 - p left out)."""
    slots = count_slots([_at(100, 100), _at(200, 100, confidence=0.3)], [LEFT, RIGHT])
    assert dict(slots["A1"].counts) == {"pen": 1} and not slots["A1"].sure
    assert slots["A1"].confidence == pytest.approx(0.9 * 0.7)
    faint = count_slots([_at(100, 100), _at(200, 100, confidence=0.09)], [LEFT])
    assert faint["A1"].sure and faint["A1"].of("pen") == 1
    assert faint["A1"].confidence == pytest.approx(0.9)  # a faint box is no evidence
    many = count_slots([_at(20 * n, 100, confidence=0.97) for n in range(1, 9)], [LEFT])
    assert many["A1"].of("pen") == 8 and not many["A1"].sure  # 0.97 ** 8 < SURE
    assert 0.97**8 < SURE <= 0.97**7
    few = count_slots([_at(20 * n, 100, confidence=0.97) for n in range(1, 8)], [LEFT])
    assert few["A1"].sure


def test_a_foreign_object_must_be_surer_than_an_item_to_be_counted() -> None:
    """It vetoes a take: between COUNTED and FOREIGN_COUNTED it is not counted, and it takes
    certainty from its slot."""
    assert COUNTED < FOREIGN_COUNTED
    middling = (COUNTED + FOREIGN_COUNTED) / 2
    slots = count_slots(
        [_at(100, 100, confidence=0.99), _at(400, 100, "foreign", middling)], [LEFT, RIGHT]
    )
    assert slots["A1"].of("pen") == 1 and slots["A1"].sure
    assert slots["A2"].of("foreign") == 0 and not slots["A2"].sure
    sure = count_slots([_at(400, 100, "foreign", FOREIGN_COUNTED)], [RIGHT])
    assert sure["A2"].of("foreign") == 1 and sure["A2"].sure


def test_average_precision_of_a_perfect_and_of_a_half_right_ranking() -> None:
    assert average_precision([0.5, 1.0], [1.0, 1.0]) == pytest.approx(1.0)
    assert average_precision([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3]) == pytest.approx(0.5 + 0.5 * 2 / 3)


def test_map50_counts_a_box_once_and_only_for_its_class() -> None:
    labels = [Label("pen", "A1", (0, 0, 10, 40), 1.0), Label("pad", "A1", (50, 50, 90, 90), 1.0)]
    exact = [Detection("pen", 0.9, (0, 0, 10, 40)), Detection("pad", 0.8, (51, 50, 90, 91))]
    assert map50([(exact, labels)]) == pytest.approx(1.0)
    duplicate = [*exact, Detection("pen", 0.95, (1, 0, 10, 40))]  # ranked first, then a repeat
    assert map50([(duplicate, labels)]) == pytest.approx(1.0)
    wrong_class = [Detection("pad", 0.9, (0, 0, 10, 40)), exact[1]]
    assert map50([(wrong_class, labels)]) == pytest.approx((0.0 + 0.5) / 2)  # pen 0, pad ½
    shifted = [Detection("pen", 0.9, (0, 25, 10, 65)), exact[1]]  # IoU < 0.5
    assert map50([(shifted, labels)]) == pytest.approx(0.5)
