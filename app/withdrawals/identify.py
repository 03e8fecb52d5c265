"""What was taken, from the evidence of one door session (pure rules, no database):

- by weight: per scale, a bounded integer search over the counts of the SKUs on it, each
  candidate scored by its residual in units of the noise expected for it (the indicator's σ on
  both readings, each unit's own weight spread, drift over the session); only a clear winner is
  accepted — a good fit *and* every other candidate far worse;
- by RFID: the difference between the tag sets before and after;
- by vision (later): the same `Reading` shape;
- fusion: sources that agree commit; disagreement, ambiguity, an unstable reading or a residual
  nothing explains become an exception with the evidence attached. Never a guess.

A planogram puts on one scale only SKUs whose combinations the scale can tell apart
(`separation_problem`), which is what makes a clear winner the rule rather than luck.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.withdrawals.scale_model import ScaleModel

Z_ACCEPT = 4.0  # the winner explains the change within 4 σ
MARGIN = 3.0  # and the runner-up is at least 3 σ worse
SEPARATION = 10.0  # planogram rule: any two combinations differ by ≥ 10 σ
MAX_UNITS = 12  # most units of one SKU a person takes (or restocks) in one session
TYPICAL_UNITS = 4  # a typical take, whose weight spread the planogram rule plans for
TOLERANCE_SIGMAS = 3.0  # an item's weight tolerance is read as ± 3 σ


@dataclass(frozen=True)
class SkuOnScale:
    sku: str
    unit_g: float
    tolerance_g: float = 0.0
    on_scale: int = MAX_UNITS  # units there before the session (a withdrawal cannot exceed it)

    @property
    def sigma_g(self) -> float:
        return self.tolerance_g / TOLERANCE_SIGMAS


@dataclass(frozen=True)
class ScaleReading:
    slot: str
    before_g: float
    after_g: float
    stable: bool
    skus: tuple[SkuOnScale, ...]
    noise_g: float = 0.5  # the indicator's σ for one reading
    drift_g: float = 0.2  # what creep and temperature may add between the two readings
    model: ScaleModel = field(
        default_factory=ScaleModel
    )  # this scale's noise model (learned or its defaults)
    elapsed_s: float = 60.0  # between the baseline and the door-closed reading
    after_series_g: tuple[float, ...] = ()  # door-closed readings, oldest first (v1.1)
    max_per_visit: int = 10  # the tenant's per-SKU limit per visit


@dataclass(frozen=True)
class Candidate:
    counts: Mapping[str, int]  # units taken (negative: put in)
    z: float


@dataclass(frozen=True)
class Reading:
    """What one source says was taken: units per SKU, or why it cannot say."""

    source: str  # weight | rfid | vision
    counts: Mapping[str, int]
    status: str = "identified"  # identified | ambiguous | unexplained | unstable | no_data
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Verdict:
    status: str  # committed | exception
    counts: Mapping[str, int] = field(default_factory=dict)
    reason: str | None = None  # why an exception: the first source that could not agree
    readings: tuple[Reading, ...] = ()


def _sigma(reading: ScaleReading, counts: Iterable[tuple[SkuOnScale, int]]) -> float:
    spread = sum(abs(n) * sku.sigma_g**2 for sku, n in counts)
    return math.sqrt(2 * reading.noise_g**2 + reading.drift_g**2 + spread)


def _ranges(reading: ScaleReading, delta_g: float, restock: bool) -> list[range]:
    ranges = []
    for sku in reading.skus:
        reach = min(MAX_UNITS, int(abs(delta_g) / sku.unit_g) + 2)
        ranges.append(range(-reach, 1) if restock else range(0, min(reach, sku.on_scale) + 1))
    return ranges


def candidates(reading: ScaleReading, restock: bool = False) -> list[Candidate]:
    """The count combinations in bounds that can come close, best first: every combination of
    all SKUs but the last, and for the last the counts nearest what remains (the rest are
    farther for sure)."""
    delta = reading.before_g - reading.after_g
    *others, last = _ranges(reading, delta, restock)
    last_sku = reading.skus[-1]
    scored = []
    for head in itertools.product(*others):
        remaining = delta - sum(s.unit_g * n for s, n in zip(reading.skus, head, strict=False))
        nearest = round(remaining / last_sku.unit_g)
        clamped = max(last.start, min(last.stop - 1, nearest))
        for n_last in {nearest - 1, nearest, nearest + 1, clamped}:
            if n_last not in last:
                continue
            pairs = list(zip(reading.skus, (*head, n_last), strict=True))
            z = abs(remaining - last_sku.unit_g * n_last) / _sigma(reading, pairs)
            scored.append(Candidate({s.sku: n for s, n in pairs if n}, round(z, 3)))
    scored.sort(key=lambda c: c.z)
    return scored


def by_weight(reading: ScaleReading, restock: bool = False) -> Reading:
    if not reading.stable:
        return Reading("weight", {}, "unstable")
    ranked = candidates(reading, restock)
    best, runner_up = ranked[0], (ranked[1] if len(ranked) > 1 else None)
    shown = tuple(ranked[:3])
    if best.z > Z_ACCEPT:
        return Reading("weight", {}, "unexplained", shown)
    if runner_up is not None and runner_up.z - best.z < MARGIN:
        return Reading("weight", {}, "ambiguous", shown)
    return Reading("weight", dict(best.counts), "identified", shown)


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


def fuse(weight: Iterable[Reading], rfid: Reading | None, rfid_skus: set[str]) -> Verdict:
    """Commit only when every source is sure and they agree on the SKUs both can see."""
    scales = tuple(weight)
    readings = (*scales, rfid) if rfid is not None else scales
    for reading in readings:
        if reading.status != "identified":
            return Verdict(
                "exception", reason=f"{reading.source}_{reading.status}", readings=readings
            )
    counts: Counter[str] = Counter()
    for reading in scales:
        counts.update(reading.counts)
    if rfid is not None:
        by_scales = {sku: n for sku, n in counts.items() if sku in rfid_skus and n}
        if by_scales != {sku: n for sku, n in rfid.counts.items() if n}:
            return Verdict("exception", reason="sources_disagree", readings=readings)
    return Verdict("committed", {sku: n for sku, n in counts.items() if n}, readings=readings)


def separation_problem(
    skus: list[SkuOnScale], noise_g: float = 0.5, drift_g: float = 0.2
) -> tuple[dict[str, int], float] | None:
    """The closest pair of takes (any counts up to MAX_UNITS of each SKU) whose weights differ
    by less than SEPARATION σ — σ as for a typical take of TYPICAL_UNITS of every SKU — or None
    when the scale tells every pair apart. Larger takes may still blur: at run time they come
    out ambiguous (an exception), never wrong."""
    probe = ScaleReading("?", 0.0, 0.0, True, tuple(skus), noise_g, drift_g)
    sigma = _sigma(probe, [(s, TYPICAL_UNITS) for s in skus])
    worst: tuple[dict[str, int], float] | None = None
    span = range(-MAX_UNITS, MAX_UNITS + 1)
    for diff in itertools.product(*(span for _ in skus)):
        if not any(diff) or next(d for d in diff if d) < 0:  # each pair once, never all zero
            continue
        gap = abs(sum(s.unit_g * d for s, d in zip(skus, diff, strict=True))) / sigma
        if gap < SEPARATION and (worst is None or gap < worst[1]):
            worst = ({s.sku: d for s, d in zip(skus, diff, strict=True) if d}, round(gap, 2))
    return worst
