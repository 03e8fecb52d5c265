"""The camera's evidence drawn for a person (app/withdrawals/queries/snapshot_evidence.py)."""

from __future__ import annotations

import io

from PIL import Image

from app.withdrawals.queries.snapshot_evidence import camera_counts, pictures
from vision.draw import BOX, DOUBTFUL, REGION, annotate

VISION = {
    "vision": {
        "phases": {"s2": ["after", "cam0"], "s1": ["before", "cam0"], "s3": ["before", "cam1"]},
        "slots": {
            "A2": {"before": {}, "after": {}, "before_sure": True, "after_sure": True},
            "A1": {
                "before": {"pen-gel-black": 3},
                "after": {"pen-gel-black": 2},
                "before_sure": True,
                "after_sure": False,
            },
        },
    }
}


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True))


def test_boxes_and_regions_are_drawn_where_they_are() -> None:
    grey = Image.new("RGB", (640, 480), (128, 128, 128))
    detections = [
        {"name": "pen-gel-black", "confidence": 0.9, "box": [100, 100, 140, 300]},
        {"name": "pen-gel-black", "confidence": 0.3, "box": [400, 100, 440, 300]},
    ]
    regions = [("A1", [[0, 0], [320, 0], [320, 480], [0, 480]], {"pen-gel-black": 1})]
    drawn = Image.open(io.BytesIO(annotate(grey, detections, regions)))
    assert drawn.format == "JPEG" and drawn.size == (640, 480)
    assert _near(drawn.getpixel((100, 200)), BOX)  # a counted box's left edge
    assert _near(drawn.getpixel((400, 200)), DOUBTFUL)  # a doubtful one, another colour
    assert _near(drawn.getpixel((319, 240)), REGION)  # the region's right edge
    assert _near(drawn.getpixel((200, 400)), (128, 128, 128))  # nothing drawn elsewhere


def test_pictures_before_first_and_counts_per_slot() -> None:
    assert [(p.snapshot, p.phase) for p in pictures(VISION)] == [
        ("s1", "before"),
        ("s3", "before"),
        ("s2", "after"),
    ]
    assert camera_counts(VISION) == [
        {"slot": "A1", "before": "pen-gel-black ×3", "after": "pen-gel-black ×2", "sure": False},
        {"slot": "A2", "before": "—", "after": "—", "sure": True},
    ]
    assert pictures({}) == [] and camera_counts(None) == []
