"""The camera as third voter (app/withdrawals/services/ident_vision.py, `fuse(..., vision=...)`)."""

from __future__ import annotations

from app.withdrawals.services.ident_vision import SlotSnapshot, by_vision
from app.withdrawals.services.identify import ScaleReading, SkuOnScale, by_weight, fuse

# 2 × A weighs what 1 × B weighs: a take of 40 g is A×2 or B×1 — weight cannot say which.
A = SkuOnScale("A", 20.0, tolerance_g=0.3, on_scale=10)
B = SkuOnScale("B", 40.0, tolerance_g=0.3, on_scale=10)
PEN = SkuOnScale("PEN", 12.5, tolerance_g=0.3, on_scale=40)


def _scale(delta_g: float, *skus: SkuOnScale, slot: str = "A1"):
    return by_weight(ScaleReading(slot, 2000.0, 2000.0 - delta_g, True, skus))


def _camera(before: dict, after: dict, *, sure: bool = True, slot: str = "A1") -> dict:
    return {slot: by_vision(SlotSnapshot(before, sure), SlotSnapshot(after, sure))}


def test_the_camera_counts_what_left_the_slot() -> None:
    reading = by_vision(SlotSnapshot({"A": 5, "B": 2}), SlotSnapshot({"A": 3, "B": 2}))
    assert (reading.status, dict(reading.counts)) == ("identified", {"A": 2})


def test_an_unsure_snapshot_abstains_and_a_missing_one_has_no_data() -> None:
    assert by_vision(SlotSnapshot({"A": 5}), SlotSnapshot({"A": 3}, sure=False)).status == (
        "ambiguous"
    )
    assert by_vision(None, SlotSnapshot({"A": 3})).status == "no_data"


def test_a_camera_that_does_not_see_the_whole_stock_abstains() -> None:
    before, after = SlotSnapshot({"A": 5}), SlotSnapshot({"A": 4})
    assert by_vision(before, after, stock={"A": 5}).status == "identified"
    assert by_vision(before, after, stock={"A": 7}).status == "ambiguous"  # 2 out of sight


def test_a_foreign_object_appearing_is_unexplained() -> None:
    after = SlotSnapshot({"A": 5, "foreign": 1})
    assert by_vision(SlotSnapshot({"A": 5}), after).status == "unexplained"


def test_a_collision_weight_allowed_is_settled_by_the_camera() -> None:
    scale = _scale(40.0, A, B)
    assert scale.status == "ambiguous"
    assert fuse([scale], None, set()).status == "exception"
    verdict = fuse([scale], None, set(), _camera({"A": 6, "B": 3}, {"A": 6, "B": 2}))
    assert (verdict.status, dict(verdict.counts)) == ("committed", {"B": 1})
    assert verdict.readings[0].status == "by_vision"
    other = fuse([scale], None, set(), _camera({"A": 6, "B": 3}, {"A": 4, "B": 3}))
    assert dict(other.counts) == {"A": 2}


def test_the_camera_alone_never_commits_a_take_the_weight_contradicts() -> None:
    scale = _scale(40.0, A, B)  # ambiguous between A×2 and B×1
    verdict = fuse([scale], None, set(), _camera({"A": 6}, {"A": 5}))  # says A×1 = 20 g
    assert (verdict.status, verdict.reason) == ("exception", "weight_ambiguous")
    unexplained = _scale(33.0, A, B)
    assert unexplained.status == "unexplained"
    verdict = fuse([unexplained], None, set(), _camera({"A": 6}, {"A": 5}))
    assert (verdict.status, verdict.reason) == ("exception", "weight_unexplained")


def test_a_swap_weight_explains_but_the_camera_disagrees_with_is_an_exception() -> None:
    scale = _scale(25.0, PEN)  # two pens' weight ...
    assert scale.status == "identified"
    swapped = fuse([scale], None, set(), _camera({"PEN": 8}, {"PEN": 8}))  # ... all still there
    assert (swapped.status, swapped.reason) == ("exception", "vision_disagrees")
    agreed = fuse([scale], None, set(), _camera({"PEN": 8}, {"PEN": 6}))
    assert (agreed.status, dict(agreed.counts)) == ("committed", {"PEN": 2})


def test_a_foreign_object_vetoes_even_a_sure_scale() -> None:
    scale = _scale(25.0, PEN)
    verdict = fuse([scale], None, set(), _camera({"PEN": 8}, {"PEN": 6, "foreign": 1}))
    assert (verdict.status, verdict.reason) == ("exception", "vision_unexplained")


def test_an_unsure_camera_leaves_the_weight_to_decide() -> None:
    scale = _scale(25.0, PEN)
    verdict = fuse([scale], None, set(), _camera({"PEN": 8}, {"PEN": 8}, sure=False))
    assert (verdict.status, dict(verdict.counts)) == ("committed", {"PEN": 2})
    collision = fuse([_scale(40.0, A, B)], None, set(), _camera({"B": 3}, {"B": 2}, sure=False))
    assert collision.status == "exception"


def test_the_camera_votes_only_on_its_own_slot() -> None:
    scales = [_scale(40.0, A, B, slot="A1"), _scale(25.0, PEN, slot="A2")]
    vision = _camera({"B": 3}, {"B": 2}, slot="A1") | _camera({"PEN": 8}, {"PEN": 6}, slot="A2")
    verdict = fuse(scales, None, set(), vision)
    assert (verdict.status, dict(verdict.counts)) == ("committed", {"B": 1, "PEN": 2})
    a_change_seen_in_another_slot = _camera({"B": 3}, {"B": 2}, slot="B9")
    assert fuse(scales[:1], None, set(), a_change_seen_in_another_slot).status == "exception"


def test_the_camera_seeing_a_sku_not_planned_on_the_scale_settles_nothing() -> None:
    verdict = fuse([_scale(40.0, A, B)], None, set(), _camera({"Z": 3}, {"Z": 2}))
    assert verdict.status == "exception"
