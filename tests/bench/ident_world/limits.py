"""What no engine can do in this world: the takes weight cannot tell apart even with noise-free
judgement — measured from the world's own physics (each scale's real σ, division and drift,
each supply's real spread), never from the engine's thresholds.

A take is *confusable* when some other count vector the visit allows (0 … on the scale, at most
MAX_PER_VISIT per SKU) lies within CONFUSABLE_SIGMAS of it: the two explain the same reading
often enough that committing either one is wrong more than about 1 % of the time, so an engine
that is never silently wrong must send it to a second signal (RFID, camera) or to review.

`floor` is the share of a layout's visits (the world's own take distribution) that are
confusable; `frontier` says, for each refusal rate a planogram check could choose, the least
share of visits that would still be confusable on the layouts it keeps.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from functools import cache

from tests.bench.ident_world.sessions import MAX_PER_VISIT, ScaleLayout, take_counts

CONFUSABLE_SIGMAS = 3.0
TYPICAL_ELAPSED_S = 30.0
FLOOR_SAMPLES = 300


class LayoutLimits:
    """Every take one layout allows, sorted by weight, to judge any take against."""

    def __init__(self, layout: ScaleLayout) -> None:
        self.layout = layout
        bounds = [range(min(n, MAX_PER_VISIT) + 1) for n in layout.on_scale]
        scale = layout.scale
        reading = scale.sigma_g**2 + scale.resolution_g**2 / 12
        self.base = 2 * reading + scale.drift_g_per_min**2 * TYPICAL_ELAPSED_S / 60
        self.takes = sorted(
            (self._weight(t), self._variance(t), t) for t in itertools.product(*bounds)
        )
        self.weights = [w for w, _, _ in self.takes]
        self.widest = math.sqrt(self.base + max(v for _, v, _ in self.takes))
        self.confusable = cache(self._confusable)

    def _weight(self, take: tuple[int, ...]) -> float:
        return sum(n * s.unit_g for n, s in zip(take, self.layout.supplies, strict=True))

    def _variance(self, take: tuple[int, ...]) -> float:
        return sum(n * s.spread_g**2 for n, s in zip(take, self.layout.supplies, strict=True))

    def _confusable(self, take: tuple[int, ...]) -> bool:
        weight, variance = self._weight(take), self._variance(take)
        reach = CONFUSABLE_SIGMAS * self.widest
        low = bisect.bisect_left(self.weights, weight - reach)
        high = bisect.bisect_right(self.weights, weight + reach)
        for other_weight, other_variance, other in self.takes[low:high]:
            sigma = math.sqrt(self.base + max(variance, other_variance))
            if other != take and abs(other_weight - weight) < CONFUSABLE_SIGMAS * sigma:
                return True
        return False

    def floor(self, rng: random.Random, samples: int = FLOOR_SAMPLES) -> float:
        """The share of this layout's visits (the world's take distribution) that are
        confusable."""
        hits = sum(self.confusable(tuple(take_counts(rng, self.layout))) for _ in range(samples))
        return hits / samples


def frontier(floors: list[float], rates=(0.0, 0.05, 0.10, 0.15, 0.25, 0.5)) -> dict[float, float]:
    """For each refusal rate, the mean floor of the layouts kept when the check refuses exactly
    the worst layouts (the best any planogram check could do at that rate)."""
    ranked = sorted(floors)
    out = {}
    for rate in rates:
        kept = ranked[: max(1, math.ceil(len(ranked) * (1 - rate)))]
        out[rate] = round(sum(kept) / len(kept), 4)
    return out
