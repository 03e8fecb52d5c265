"""Counting per slot: each slot of the planogram has a region of the camera image (a polygon,
edited over a snapshot on the cabinet page); a detection belongs to the slot its centre lies in.
A box at or above `COUNTED` confidence is counted, one between `DOUBTFUL` and `COUNTED` is not.
The detector's confidences are calibrated (vision/calibrate.py), so the chance that a slot's
count is right is the product, over its boxes, of the chance each was judged right (p for a
counted box, 1 - p for one left out); below `SURE` the camera says nothing about that slot
rather than a guess."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vision.detector import Detection

Point = tuple[float, float]
COUNTED = 0.5
# Boxes below this are noise, not evidence against a count.
DOUBTFUL = 0.10
# A slot's count is used when it is right with at least this chance. Chosen on the identification
# field world's development seeds (7, 77, 777; camera seed 99 — not the bench's), 300 sessions:
# with the rule "no box between DOUBTFUL and COUNTED" instead, 0.970 right and 2.7 % exceptions
# on honest takes; with this at 0.8, 0.973 and 2.3 %; at 0.9, the same; at 0.5, 0.947 and 5 %.
SURE = 0.8
# A foreign object vetoes a take (an exception), so it must be surer than a counted item. On the
# development seed 7 (300 shelves, 29 foreign objects; neither training's seed nor the bench's)
# the committed model's calibrated foreign boxes from 0.6 up were 14 right and 2 false, from 0.7
# up 14 and none. The field world's development seeds (above) show more: of 1,810 snapshots,
# 22 had a false foreign box from 0.7 up, 9 from 0.8, 2 from 0.9 (true ones seen: 11, 10 and 3
# of 22); with SURE, foreign from 0.8 gave 0.973 right and 2.3 % exceptions on honest takes,
# from 0.9 0.977 and 2.0 %, as the model before this one did there.
FOREIGN_COUNTED = 0.9
FOREIGN = "foreign"


@dataclass(frozen=True)
class Region:
    slot: str
    polygon: tuple[Point, ...]  # in the camera image's pixels, at least 3 corners

    @classmethod
    def box(cls, slot: str, x0: float, y0: float, x1: float, y1: float) -> Region:
        return cls(slot, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


@dataclass(frozen=True)
class SlotCount:
    slot: str
    counts: Mapping[str, int] = field(default_factory=dict)  # a SKU or "foreign" -> instances
    sure: bool = True
    confidence: float = 1.0  # the chance the count is right: over its boxes, p or 1 - p

    def of(self, name: str) -> int:
        return self.counts.get(name, 0)


def inside(point: Point, polygon: Sequence[Point]) -> bool:
    """Ray casting; a point on the left or top edge is inside, on the right or bottom is not
    (so adjacent rectangles share no point)."""
    x, y = point
    crossings = False
    for (xa, ya), (xb, yb) in zip(polygon, (*polygon[1:], polygon[0]), strict=True):
        if (ya <= y) != (yb <= y):
            x_cross = xa + (y - ya) * (xb - xa) / (yb - ya)
            if x < x_cross:
                crossings = not crossings
    return crossings


def slot_of(point: Point, regions: Iterable[Region]) -> str | None:
    for region in regions:
        if inside(point, region.polygon):
            return region.slot
    return None


def count_slots(
    detections: Iterable[Detection],
    regions: Sequence[Region],
    counted: float = COUNTED,
    doubtful: float = DOUBTFUL,
    foreign_counted: float = FOREIGN_COUNTED,
    sure: float = SURE,
) -> dict[str, SlotCount]:
    """Per slot (every region, even an empty one): instances per name, and whether the count
    is sure. Detections outside every region are ignored (the cabinet's walls, the door)."""
    counts: dict[str, dict[str, int]] = {r.slot: {} for r in regions}
    right: dict[str, float] = {r.slot: 1.0 for r in regions}
    for detection in detections:
        slot = slot_of(detection.centre, regions)
        if slot is None or detection.confidence < doubtful:
            continue
        bar = max(counted, foreign_counted) if detection.name == FOREIGN else counted
        if detection.confidence >= bar:
            counts[slot][detection.name] = counts[slot].get(detection.name, 0) + 1
            right[slot] *= detection.confidence
        else:
            right[slot] *= 1.0 - detection.confidence
    return {
        slot: SlotCount(slot, per_slot, sure=right[slot] >= sure, confidence=round(right[slot], 3))
        for slot, per_slot in counts.items()
    }
