"""The planogram check: which takes from one scale its weight cannot tell apart, with that
scale's own noise model and the items' own spreads, over the takes a visit allows.

A layout is refused only when the scale cannot serve it: one unit of some SKU is not told from
nothing or from one unit of another SKU, or most small takes collide. Otherwise it is allowed and
the colliding takes are named: those visits need a second signal (RFID, camera) or go to the
exception queue — never a guess."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.withdrawals.ident_model import MAX_PER_VISIT, ScaleReading, SkuOnScale
from app.withdrawals.ident_weight import base_variance
from app.withdrawals.scale_model import ScaleModel

SEPARATION = 6.5  # two takes closer than 6.5 σ are flagged more than a few % of the time
SMALL_TAKE = 2  # "most takes collide": most takes of up to two units, among themselves
MOST = 0.5
TYPICAL_TAKE = 3  # the share shown on the cabinet page: takes of up to three units in all
TYPICAL_ELAPSED_S = 60.0

Take = dict[str, int]


@dataclass(frozen=True)
class LayoutCheck:
    refused: bool
    collisions: tuple[tuple[Take, Take], ...]  # takes weight can't tell apart, smallest first
    reason: str | None = None  # unit_invisible | units_alike | most_takes_collide
    colliding_share: float = 0.0  # of the takes of up to TYPICAL_TAKE units: need a 2nd signal


def _takes(skus: Sequence[SkuOnScale], limit: int) -> list[tuple[int, ...]]:
    return list(itertools.product(*(range(limit + 1) for _ in skus)))


def _colliding_pairs(
    skus: Sequence[SkuOnScale], takes: list[tuple[int, ...]], base: float
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Pairs of takes whose weights differ by less than SEPARATION σ (σ of the larger take),
    found by sweeping the takes sorted by weight."""
    scored = sorted(
        (
            sum(s.unit_g * n for s, n in zip(skus, t, strict=False)),
            math.sqrt(base + sum(n * s.sigma_g**2 for s, n in zip(skus, t, strict=False))),
            t,
        )
        for t in takes
    )
    widest = max(sigma for _, sigma, _ in scored)
    pairs = []
    for i, (weight, sigma, take) in enumerate(scored):
        for other_weight, other_sigma, other in scored[i + 1 :]:
            gap = other_weight - weight
            if gap >= SEPARATION * widest:
                break
            if gap < SEPARATION * max(sigma, other_sigma):
                small, large = sorted((take, other), key=lambda t: (sum(t), t))
                pairs.append((small, large))
    return pairs


def _named(skus: Sequence[SkuOnScale], take: tuple[int, ...]) -> Take:
    return {s.sku: n for s, n in zip(skus, take, strict=False) if n}


def check_layout(
    skus: Sequence[SkuOnScale], model: ScaleModel, max_per_visit: int = MAX_PER_VISIT
) -> LayoutCheck:
    """Whether one scale can serve these SKUs, and which takes it cannot tell apart."""
    skus = sorted(skus, key=lambda s: (s.sku, s.unit_g))
    if not skus:
        return LayoutCheck(False, ())
    probe = ScaleReading("?", 0.0, 0.0, True, tuple(skus), model, TYPICAL_ELAPSED_S)
    pairs = _colliding_pairs(skus, _takes(skus, max(max_per_visit, 1)), base_variance(probe))
    pairs.sort(key=lambda p: (sum(p[0]) + sum(p[1]), p))
    named = {t: _named(skus, t) for pair in pairs for t in pair}
    collisions = tuple((named[a], named[b]) for a, b in pairs)
    typical = [t for t in _takes(skus, TYPICAL_TAKE) if sum(t) <= TYPICAL_TAKE]
    anywhere = {t for pair in pairs for t in pair}
    share = round(sum(t in anywhere for t in typical) / len(typical), 3)
    singles = [p for p in pairs if sum(p[0]) <= 1 and sum(p[1]) <= 1]
    if any(sum(a) == 0 for a, _ in singles):
        return LayoutCheck(True, collisions, "unit_invisible", share)
    if singles:
        return LayoutCheck(True, collisions, "units_alike", share)
    small = {t for t in _takes(skus, SMALL_TAKE) if sum(t) <= SMALL_TAKE}
    colliding = {t for pair in pairs if set(pair) <= small for t in pair}
    if len(colliding) > MOST * len(small):
        return LayoutCheck(True, collisions, "most_takes_collide", share)
    return LayoutCheck(False, collisions, None, share)
