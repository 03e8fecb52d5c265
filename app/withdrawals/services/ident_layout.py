"""The planogram check: which takes from one scale its weight cannot tell apart, with that
scale's own noise model and the items' own spreads, over the takes a visit allows.

Every take of up to QUERY_UNITS units per SKU is judged against every count vector a visit may
take (0 … the per-visit limit of each SKU): two closer than SEPARATION σ cannot be told apart by
weight. A layout is refused only when the scale cannot serve it: one unit of some SKU is not
told from nothing, one unit of one SKU not from one of another, or more than MOST_TYPICAL of a
visit's typical takes (1–3 units of one SKU, or one each of two) collide. Otherwise it is
allowed and the colliding takes are named: those visits need a second signal (RFID, camera)
or go to the exception queue — never a guess. Two takes that differ in the count of an
RFID-tagged SKU do not collide: the reader tells them apart (when it is unsure, the visit goes to
review like any other)."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.withdrawals.services.ident_model import MAX_PER_VISIT, ScaleReading, SkuOnScale
from app.withdrawals.services.ident_weight import base_variance
from app.withdrawals.services.scale_model import ScaleModel

SEPARATION = 6.5  # two takes closer than 6.5 σ are flagged more than a few % of the time
QUERY_UNITS = 3  # takes judged (and named) of up to 3 units of each SKU
MOST_TYPICAL = 0.3  # refused when more than 30 % of the typical takes need a second signal
TYPICAL_TAKE = 3  # the share shown on the cabinet page: takes of up to three units in all
TYPICAL_ELAPSED_S = 60.0

Take = dict[str, int]
Vector = tuple[int, ...]


@dataclass(frozen=True)
class LayoutCheck:
    refused: bool
    collisions: tuple[tuple[Take, Take], ...]  # takes weight can't tell apart, smallest first
    reason: str | None = None  # unit_invisible | units_alike | most_takes_collide
    colliding_share: float = 0.0  # of the takes of up to TYPICAL_TAKE units: need a 2nd signal


class _Box:
    """Every take a visit allows, sorted by weight, to find any take's near twins fast."""

    def __init__(self, skus: Sequence[SkuOnScale], limit: int, base: float) -> None:
        self.units = [s.unit_g for s in skus]
        self.spreads = [s.sigma_g**2 for s in skus]
        self.tagged = [i for i, s in enumerate(skus) if s.rfid]
        self.base = base
        vectors = itertools.product(*(range(limit + 1) for _ in skus))
        self.takes = sorted((self.weight(v), self.variance(v), v) for v in vectors)
        self.weights = [w for w, _, _ in self.takes]
        self.widest = math.sqrt(base + max(v for _, v, _ in self.takes))

    def weight(self, take: Vector) -> float:
        return sum(u * n for u, n in zip(self.units, take, strict=True))

    def variance(self, take: Vector) -> float:
        return sum(v * n for v, n in zip(self.spreads, take, strict=True))

    def twins(self, take: Vector) -> list[Vector]:
        """The other takes within SEPARATION σ (σ of the larger of the two) of this one."""
        weight, variance = self.weight(take), self.variance(take)
        reach = SEPARATION * self.widest
        low = bisect.bisect_left(self.weights, weight - reach)
        high = bisect.bisect_right(self.weights, weight + reach)
        return [
            other
            for other_weight, other_variance, other in self.takes[low:high]
            if other != take
            and all(other[i] == take[i] for i in self.tagged)
            and abs(other_weight - weight)
            < SEPARATION * math.sqrt(self.base + max(variance, other_variance))
        ]


def _typical(size: int) -> list[Vector]:
    """1–3 units of one SKU, or one unit each of two."""
    unit = [tuple(int(i == j) for j in range(size)) for i in range(size)]
    singles = [tuple(n * x for x in u) for u in unit for n in range(1, QUERY_UNITS + 1)]
    pairs = [
        tuple(a + b for a, b in zip(x, y, strict=True)) for x, y in itertools.combinations(unit, 2)
    ]
    return singles + pairs


def _named(skus: Sequence[SkuOnScale], take: Vector) -> Take:
    return {s.sku: n for s, n in zip(skus, take, strict=True) if n}


def check_layout(
    skus: Sequence[SkuOnScale], model: ScaleModel, max_per_visit: int = MAX_PER_VISIT
) -> LayoutCheck:
    """Whether one scale can serve these SKUs, and which takes it cannot tell apart."""
    skus = sorted(skus, key=lambda s: (s.sku, s.unit_g))
    if not skus:
        return LayoutCheck(False, ())
    probe = ScaleReading("?", 0.0, 0.0, True, tuple(skus), model, TYPICAL_ELAPSED_S)
    limit = max(max_per_visit, 1)
    box = _Box(skus, limit, base_variance(probe))
    queries = itertools.product(*(range(min(QUERY_UNITS, limit) + 1) for _ in skus))
    twins = {q: box.twins(q) for q in queries}
    pairs = sorted(
        {tuple(sorted((q, t), key=lambda v: (sum(v), v))) for q, ts in twins.items() for t in ts},
        key=lambda p: (sum(p[0]) + sum(p[1]), p),
    )
    collisions = tuple((_named(skus, a), _named(skus, b)) for a, b in pairs)
    colliding = {q for q, ts in twins.items() if ts}
    shown = [q for q in twins if 0 < sum(q) <= TYPICAL_TAKE]
    share = round(sum(q in colliding for q in shown) / max(len(shown), 1), 3)
    zero = tuple(0 for _ in skus)
    if any(sum(t) <= 1 for t in twins[zero]):
        return LayoutCheck(True, collisions, "unit_invisible", share)
    singles = [q for q in twins if sum(q) == 1]
    if any(sum(t) == 1 for q in singles for t in twins[q]):
        return LayoutCheck(True, collisions, "units_alike", share)
    typical = _typical(len(skus))
    if sum(t in colliding for t in typical) > MOST_TYPICAL * len(typical):
        return LayoutCheck(True, collisions, "most_takes_collide", share)
    return LayoutCheck(False, collisions, None, share)
