"""Identification rules: a clear winner by weight or an exception, RFID by tag-set difference,
fusion that commits only agreement, and the planogram check naming the takes a scale cannot
tell apart (refusing only what it cannot serve)."""

from __future__ import annotations

import pytest

from app.withdrawals.services.identify import (
    ScaleReading,
    SkuOnScale,
    by_rfid,
    by_weight,
    check_layout,
    fuse,
)
from app.withdrawals.services.scale_model import ScaleModel

PEN = SkuOnScale("PEN", 12.5, tolerance_g=0.3, on_scale=40)
PAD = SkuOnScale("PAD", 45.0, tolerance_g=0.9, on_scale=10)
TAPE = SkuOnScale("TAPE", 187.0, tolerance_g=1.2, on_scale=6)


def _scale(delta_g: float, *skus: SkuOnScale, stable: bool = True, before: float = 2000.0):
    return ScaleReading("A1", before, before - delta_g, stable, skus)


def test_one_sku_counts_by_weight() -> None:
    assert by_weight(_scale(3 * 12.5 + 0.4, PEN)).counts == {"PEN": 3}
    assert by_weight(_scale(0.3, PEN)).counts == {}  # opened and closed, nothing taken
    restocked = by_weight(_scale(-5 * 45.0 + 0.6, PAD), restock=True)
    assert restocked.counts == {"PAD": -5}


def test_a_mix_on_one_scale_is_solved_as_a_whole() -> None:
    taken = 2 * 12.5 + 1 * 187.0
    reading = by_weight(_scale(taken - 0.7, PEN, TAPE))
    assert reading.status == "identified"
    assert reading.counts == {"PEN": 2, "TAPE": 1}
    assert reading.candidates[1].z - reading.candidates[0].z >= 3  # the runner-up, far behind


def test_what_no_combination_explains_or_two_explain_is_an_exception() -> None:
    assert by_weight(_scale(30.0, PEN)).status == "unexplained"  # 2.4 pens
    twins = (SkuOnScale("A", 20.0, 0.3), SkuOnScale("B", 40.0, 0.3))
    assert by_weight(_scale(40.0, *twins)).status == "ambiguous"  # 2×A or 1×B
    assert by_weight(_scale(25.0, PEN, stable=False)).status == "unstable"
    assert by_weight(_scale(50.0, SkuOnScale("PEN", 12.5, 0.3, on_scale=3))).status == (
        "unexplained"  # four pens gone from a scale that held three
    )


def test_rfid_by_tag_set_difference() -> None:
    tags = {"E1": "TAPE", "E2": "TAPE", "E3": "TAPE", "E9": "PAD"}
    assert by_rfid({"E1", "E2", "E3"}, {"E3"}, tags).counts == {"TAPE": 2}
    assert by_rfid({"E1"}, {"E1", "E9"}, tags).counts == {"PAD": -1}
    assert by_rfid({"E1", "EX"}, {"E1"}, tags).status == "unexplained"  # a tag we do not know


def test_fusion_commits_agreement_only() -> None:
    weight = by_weight(_scale(2 * 187.0 + 12.5, PEN, TAPE))
    agree = fuse([weight], by_rfid({"E1", "E2"}, set(), {"E1": "TAPE", "E2": "TAPE"}), {"TAPE"})
    assert agree.status == "committed" and agree.counts == {"TAPE": 2, "PEN": 1}
    misread = by_rfid({"E1", "E2"}, {"E2"}, {"E1": "TAPE", "E2": "TAPE"})  # E2 missed once
    disagree = fuse([weight], misread, {"TAPE"})
    assert disagree.status == "exception" and disagree.reason == "sources_disagree"
    assert disagree.readings[0].counts == {"TAPE": 2, "PEN": 1}  # the evidence travels with it
    unsure = fuse([by_weight(_scale(30.0, PEN))], None, set())
    assert unsure.status == "exception" and unsure.reason == "weight_unexplained"


@pytest.mark.parametrize(
    ("skus", "refused"),
    [
        ([PEN, TAPE], False),
        ([PAD], False),
        # 4 pads = 1 roll, 1 pad ≈ 4 pens: most typical takes collide with some allowed take
        ([PEN, PAD, SkuOnScale("ROLL", 180.0, 1.2)], True),
        # ... unless RFID counts the pads: takes that differ in a tagged count never collide
        ([PEN, SkuOnScale("PAD", 45.0, 0.9, 10, rfid=True), SkuOnScale("ROLL", 180.0, 1.2)], False),
        ([SkuOnScale("A", 20.0, 0.3), SkuOnScale("B", 40.0, 0.3)], True),  # 2×A = 1×B, 4×A = 2×B…
        ([PEN, SkuOnScale("BOX", 131.0, 1.2)], False),  # only 2–3 boxes ≈ 1–2 boxes + 10 pens
        ([SkuOnScale("A", 30.0, 0.3), SkuOnScale("B", 31.0, 0.3)], True),  # one of each alike
        ([SkuOnScale("DOT", 2.0, 0.1)], True),  # one unit is not told from none
    ],
)
def test_the_planogram_check_refuses_only_what_a_scale_cannot_serve(skus, refused) -> None:
    check = check_layout(skus, ScaleModel())
    assert check.refused == refused, check


def test_colliding_takes_are_named_for_a_second_signal() -> None:
    twins = [SkuOnScale("A", 20.0, 0.3), SkuOnScale("B", 40.0, 0.3)]
    check = check_layout(twins, ScaleModel())
    assert check.reason == "most_takes_collide"
    assert check.collisions[0] == ({"B": 1}, {"A": 2})  # the smaller take first
    assert all(sum(a.values()) + sum(b.values()) >= 3 for a, b in check.collisions)
    allowed = check_layout([PEN, SkuOnScale("BOX", 131.0, 1.2)], ScaleModel())
    assert not allowed.refused  # some takes collide (with 10 pens): named for a second signal
    assert allowed.collisions == (
        ({"BOX": 2}, {"BOX": 1, "PEN": 10}),
        ({"BOX": 3}, {"BOX": 2, "PEN": 10}),
    )
    assert check_layout([PEN, TAPE], ScaleModel()).collisions == ()


def test_the_search_never_misses_the_answer_for_a_clean_planogram() -> None:
    assert check_layout([PEN, TAPE], ScaleModel()).collisions == ()
    for pens in range(0, 11):
        for tapes in range(0, 7):
            reading = by_weight(_scale(pens * 12.5 + tapes * 187.0, PEN, TAPE))
            expected = {k: v for k, v in (("PEN", pens), ("TAPE", tapes)) if v}
            assert reading.status == "identified" and dict(reading.counts) == expected
