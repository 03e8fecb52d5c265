"""What was taken, from the evidence of one door session (pure rules, no database):

- by weight (services/ident_weight.py): per scale, an exact search over every count vector of the
SKUs on it, scored under that scale's own noise model; only a clear winner is accepted — the change
  explained within Z_ACCEPT σ *and* every other explanation far worse;
- by RFID: tags gone are units taken; with several inventory rounds a tag is taken only when
  absent from every round after, and a tag read in some rounds only makes RFID unsure;
- by vision (services/ident_vision.py): per slot, the before and after snapshots' sure counts, the
same `Reading` shape; a third voter that settles an ambiguous scale or vetoes a sure one, never
  committing alone;
- fusion: sources that are each sure and agree commit; an ambiguous scale may be settled by a
  sure RFID reading (the second signal): the tagged SKUs' counts are taken out and the rest
  searched again under the same rules (`by_weight_given`); anything else becomes an exception
  with the evidence attached. Never a guess.

The planogram check (services/ident_layout.py, `check_layout`) names the takes a scale cannot tell
apart and refuses layouts the scale cannot serve at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from app.withdrawals.services.ident_layout import LayoutCheck, check_layout
from app.withdrawals.services.ident_model import (
    Candidate,
    Reading,
    ScaleReading,
    SkuOnScale,
    Verdict,
)
from app.withdrawals.services.ident_vision import settle_by_vision, veto
from app.withdrawals.services.ident_weight import (
    MAX_PLAUSIBLE,
    Z_ACCEPT,
    Z_RIVAL,
    by_weight,
    by_weight_given,
    search,
    settled_after,
)

UNSURE_SHARE = 0.25  # a reader that missed this share of present tags in some round is unsure

__all__ = [
    "Candidate",
    "LayoutCheck",
    "Reading",
    "ScaleReading",
    "SkuOnScale",
    "Verdict",
    "by_rfid",
    "by_rfid_rounds",
    "by_weight",
    "check_layout",
    "fuse",
    "search",
    "settled_after",
    "unsettled_slots",
]


def by_rfid(before: Iterable[str], after: Iterable[str], sku_of_tag: Mapping[str, str]) -> Reading:
    """Tags gone are units taken, tags new are units put in; an unknown tag cannot be counted."""
    before, after = set(before), set(after)
    counts: Counter[str] = Counter()
    for tag in before - after:
        if tag not in sku_of_tag:
            return Reading("rfid", {}, "unexplained")
        counts[sku_of_tag[tag]] += 1
    for tag in after - before:
        if tag not in sku_of_tag:
            return Reading("rfid", {}, "unexplained")
        counts[sku_of_tag[tag]] -= 1
    return Reading("rfid", {sku: n for sku, n in counts.items() if n})


def by_rfid_rounds(
    before_rounds: Sequence[Iterable[str]],
    after_rounds: Sequence[Iterable[str]],
    sku_of_tag: Mapping[str, str],
    unsure_share: float = UNSURE_SHARE,
) -> Reading:
    """Several inventory rounds each side: a tag is taken only when read before and absent from
    every round after (a tag read in any round after is there). When more than `unsure_share`
    of the tags read after were missed in some round, the reader is missing present tags this
    session and RFID is not sure of the tags it did not read at all (0.0: any such tag)."""
    if not before_rounds or not after_rounds:
        return Reading("rfid", {}, "no_data")
    before = set().union(*map(set, before_rounds))
    after_sets = [set(r) for r in after_rounds]
    after_any = set().union(*after_sets)
    flickered = after_any - after_sets[0].intersection(*after_sets[1:])
    if flickered and len(flickered) > unsure_share * len(after_any):
        return Reading("rfid", {}, "ambiguous")
    return by_rfid(before, after_any, sku_of_tag)


def _second_signal(scale: Reading, rfid: Reading, rfid_skus: set[str]) -> Mapping[str, int] | None:
    """The weight's verdict once a sure RFID reading fixes the tagged SKUs' counts: searched
    again over the untagged ones when the readings came along, else the one plausible
    explanation that matches RFID, if exactly one."""
    seen = set(scale.skus) or {k for c in scale.candidates for k in c.counts}
    tagged = seen & rfid_skus
    if not tagged:
        return None
    if scale.scale is not None:
        known = {sku: rfid.counts.get(sku, 0) for sku in tagged}
        given = by_weight_given(scale.scale, known, scale.restock)
        return given.counts if given.status == "identified" else None
    want = {sku: rfid.counts.get(sku, 0) for sku in tagged}
    plausible = [c for c in scale.candidates if c.z < Z_RIVAL]
    if len(plausible) >= MAX_PLAUSIBLE:  # the list was cut: a unique match proves nothing
        return None
    matches = [c for c in plausible if all(c.counts.get(s, 0) == n for s, n in want.items())]
    if len(matches) != 1 or matches[0].z > Z_ACCEPT:
        return None
    return matches[0].counts


def _scale_counts(
    scale: Reading, rfid: Reading | None, rfid_skus: set[str]
) -> Mapping[str, int] | None:
    if scale.status == "identified":
        return scale.counts
    if scale.status == "ambiguous" and rfid is not None and rfid.status == "identified":
        return _second_signal(scale, rfid, rfid_skus)
    return None


def _slot(scale: Reading) -> str | None:
    return scale.scale.slot if scale.scale is not None else None


def _with_camera(
    scale: Reading, settled: Mapping[str, int] | None, vision: Reading | None
) -> tuple[Mapping[str, int] | None, str]:
    """The scale's counts once the camera has voted, and its status (`by_vision` when the camera
    settled it); None when nothing settles it."""
    status = scale.status if settled is None or scale.status == "identified" else "by_rfid"
    if settled is None and scale.status == "ambiguous" and vision is not None:
        settled, status = settle_by_vision(scale, vision), "by_vision"
    return settled, status


def fuse(
    weight: Iterable[Reading],
    rfid: Reading | None,
    rfid_skus: set[str],
    vision: Mapping[str, Reading] | None = None,
) -> Verdict:
    """Commit only when every source is sure on its own and they agree on the SKUs both see;
    an ambiguous scale counts as sure only when RFID or the camera (`vision`, per slot) settles
    it, and a sure camera that disagrees with a scale, or sees a foreign object appear, makes
    an exception. The verdict's readings are the scales as settled (`by_rfid` / `by_vision`,
    with their counts: what to book off that scale), then RFID, then the camera's."""
    scales = tuple(weight)
    seen = tuple(vision.values()) if vision else ()
    extra = ((rfid,) if rfid is not None else ()) + seen
    readings = (*scales, *extra)
    counts: Counter[str] = Counter()
    settled_scales = []
    for scale in scales:
        camera = vision.get(_slot(scale) or "") if vision else None
        settled, status = _with_camera(scale, _scale_counts(scale, rfid, rfid_skus), camera)
        if settled is None:
            return Verdict("exception", reason=f"weight_{scale.status}", readings=readings)
        vetoed = veto(settled, camera)
        if vetoed is not None:
            return Verdict("exception", reason=vetoed, readings=readings)
        counts.update(settled)
        if status != scale.status:
            scale = replace(scale, counts=dict(settled), status=status)
        settled_scales.append(scale)
    readings = (*settled_scales, *extra)
    if rfid is not None:
        if rfid.status != "identified":
            return Verdict("exception", reason=f"rfid_{rfid.status}", readings=readings)
        by_scales = {sku: n for sku, n in counts.items() if sku in rfid_skus and n}
        if by_scales != {sku: n for sku, n in rfid.counts.items() if n}:
            return Verdict("exception", reason="sources_disagree", readings=readings)
    return Verdict("committed", {sku: n for sku, n in counts.items() if n}, readings=readings)


def unsettled_slots(weight: Iterable[Reading]) -> list[str]:
    """The scales worth a re-read: their load had not settled, and they sent a series (a v1.1
    cabinet, which answers `cmd.reread` with a fresh one)."""
    return [
        r.scale.slot
        for r in weight
        if r.status == "unstable" and r.scale is not None and r.scale.after_series_g
    ]


def directed(verdict: Verdict, restock: bool) -> Verdict:
    """A withdrawal only takes and a restock only puts in. Counts the other way — a put-back, an
    item moved to another slot, a foreign object that happens to weigh like some returns — are
    recorded for a person (`wrong_direction`), never booked: weight cannot tell them apart."""
    wrong_way = any((n > 0) if restock else (n < 0) for n in verdict.counts.values())
    if verdict.status == "committed" and wrong_way:
        return replace(verdict, status="exception", reason="wrong_direction")
    return verdict
