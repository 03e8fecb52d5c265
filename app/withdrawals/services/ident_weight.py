"""Identification by weight: every count vector of a scale's SKUs within bounds, each scored by
its likelihood under the scale's own noise model; a clear winner or an honest status.

The uncertainty of a change explained by counts n is that of both readings, the zero's drift over
the elapsed time and each unit's own spread: σ(n)² = 2·σ_reading² + σ_drift² + Σ |n_i|·σ_i².
The search is exact: it finds every vector within a window of the change (widening until the
runner-up is found) and never depends on the order of the SKUs."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from app.withdrawals.services.ident_model import Candidate, Reading, ScaleReading, SkuOnScale

Z_ACCEPT = 3.5  # the winner explains the change within 3.5 σ, else "unexplained" (swap, foreign)
Z_RIVAL = 5.0  # every other explanation is at least 5 σ off ...
MARGIN = 3.0  # ... and at least 3 σ worse than the winner, else "ambiguous"
SETTLE_K = 3  # door-closed readings that must agree
SETTLE_SIGMAS = 6.0  # the last k door-closed readings agree within resolution + 6 σ: at 4.5 σ
# three honest readings of one scale disagreed ≈ 0.4 % of the time, a 12-scale visit ≈ 5 %
TREND_SIGMAS = 4.5  # a series still sliding one way: its slope beyond 4.5 standard errors
SERIES_SPACING_S = 0.5  # protocol v1.1: door-closed readings are 0.5 s apart
RESTOCK_MAX = 200  # most units of one SKU a restock adds in one session
_SCAN_Z = Z_RIVAL + 1.0  # the first window: holds every explanation a verdict depends on
_WINDOWS = (_SCAN_Z, 4 * _SCAN_Z, 16 * _SCAN_Z)  # wider ones only to show a runner-up
_SHOWN = 3  # candidates kept as evidence besides the plausible ones
MAX_PLAUSIBLE = 24  # more plausible ones than this: evidence keeps these, RFID cannot pick

Scored = tuple[float, float, tuple[int, ...]]  # (−log-likelihood, z, counts in SKU order)


def settled_after(reading: ScaleReading, k: int = SETTLE_K) -> float | None:
    """The door-closed weight once the last k readings agree (a `stable` flag alone is not
    trusted when a series came); without a series, `after_g` when flagged stable; None when
    the load has not settled."""
    series = reading.after_series_g
    if not series:
        return reading.after_g if reading.stable else None
    if len(series) < k:
        return None
    last = series[-k:]
    allowance = reading.model.resolution_g + SETTLE_SIGMAS * reading.model.sigma_g
    if max(last) - min(last) > allowance or _sliding(series, reading.model.reading_sigma_g()):
        return None
    return sum(last) / k


def _sliding(series: tuple[float, ...], sigma: float) -> bool:
    """A settling tail: the least-squares slope of the whole series is further from zero than
    TREND_SIGMAS of its standard error (a tail decays one way; honest readings do not)."""
    if len(series) < 4:
        return False
    times = [i * SERIES_SPACING_S for i in range(len(series))]
    mean_t, mean_w = sum(times) / len(times), sum(series) / len(series)
    spread = sum((t - mean_t) ** 2 for t in times)
    slope = sum((t - mean_t) * (w - mean_w) for t, w in zip(times, series, strict=True)) / spread
    return abs(slope) > TREND_SIGMAS * sigma / math.sqrt(spread)


def base_variance(reading: ScaleReading, k: int = SETTLE_K) -> float:
    """The variance every explanation carries: the baseline reading, the door-closed weight
    (the mean of the last k of a settled series, else one reading) and the drift between."""
    model = reading.model
    after_readings = k if len(reading.after_series_g) >= k else 1
    noise = model.reading_sigma_g() ** 2 * (1 + 1 / after_readings)
    return noise + model.drift_sigma_g(reading.elapsed_s) ** 2


def _bounds(reading: ScaleReading, delta_g: float, restock: bool) -> list[list[range]]:
    """Per orthant, each SKU's count range: a withdrawal takes (0 … on hand, at most the
    per-visit limit) or puts back (down to −limit); a restock only puts in."""
    limit = max(reading.max_per_visit, 0)
    if restock:
        reach = [min(RESTOCK_MAX, math.ceil(abs(delta_g) / s.unit_g) + 2) for s in reading.skus]
        return [[range(-r, 1) for r in reach]]
    taken = [range(0, max(min(s.on_scale, limit), 0) + 1) for s in reading.skus]
    back = [range(-limit, 1) for _ in reading.skus]
    return [taken, back]


def _scan(
    skus: Sequence[SkuOnScale], box: list[range], delta: float, base: float, cap: float
) -> list[Scored]:
    """Every count vector in the box whose z is at most `cap` (and only those)."""
    units = [s.unit_g for s in skus]
    spreads = [s.sigma_g**2 for s in skus]
    var_max = base + sum(max(-r.start, r.stop - 1) * v for v, r in zip(spreads, box, strict=True))
    window = cap * math.sqrt(var_max)
    *heads, last = box
    unit, spread = units[-1], spreads[-1]
    out: list[Scored] = []
    for head in itertools.product(*heads):
        rest, var_head = delta, base
        for u, v, n in zip(units, spreads, head, strict=False):
            rest -= u * n
            var_head += abs(n) * v
        low = max(last.start, math.ceil((rest - window) / unit))
        high = min(last.stop - 1, math.floor((rest + window) / unit))
        for n in range(low, high + 1):
            var = var_head + abs(n) * spread
            z = abs(rest - n * unit) / math.sqrt(var)
            if z <= cap:
                out.append((0.5 * z * z + 0.5 * math.log(var), z, (*head, n)))
    return out


def search(
    reading: ScaleReading, delta: float, restock: bool = False, extra_variance: float = 0.0
) -> list[Candidate]:
    """The explanations of `delta`, best first: every one within _SCAN_Z σ — all a verdict
    needs, exactly — and, as evidence, the nearest others within a wider window."""
    base = base_variance(reading) + extra_variance
    if not reading.skus:  # every count already known: only the residual is left to judge
        return [Candidate({}, round(abs(delta) / math.sqrt(base), 3))]
    skus = sorted(reading.skus, key=lambda s: (s.sku, s.unit_g))
    order = [reading.skus.index(s) for s in skus]
    boxes = [[box[i] for i in order] for box in _bounds(reading, delta, restock)]
    found: dict[tuple[int, ...], Scored] = {}
    for cap in _WINDOWS:
        for box in boxes:
            found.update((h[2], h) for h in _scan(skus, box, delta, base, cap))
        if len(found) >= 2:
            break
    ranked = sorted(found.values())
    names = [s.sku for s in skus]
    return [
        Candidate({k: n for k, n in zip(names, h[2], strict=True) if n}, round(h[1], 3))
        for h in ranked
    ]


def by_weight(reading: ScaleReading, restock: bool = False) -> Reading:
    """Counts taken from one scale (negative: put in), or why the weight cannot say."""
    names = tuple(sorted(s.sku for s in reading.skus))
    if not reading.skus:
        return Reading("weight", {}, "no_data", skus=names)
    after = settled_after(reading)
    if after is None:
        return Reading("weight", {}, "unstable", skus=names, scale=reading)
    ranked = search(reading, reading.before_g - after, restock)
    return replace(_verdict(ranked, names, reading, {}), restock=restock)


def _verdict(
    ranked: list[Candidate], names: tuple[str, ...], reading: ScaleReading, known: dict[str, int]
) -> Reading:
    """Identified only for a winner within Z_ACCEPT σ with every rival far worse."""
    if not ranked:  # nothing within even the widest window: a change no count comes near
        return Reading("weight", {}, "unexplained", skus=names, scale=reading)
    ranked = [Candidate({**known, **c.counts}, c.z) for c in ranked]
    best = ranked[0]
    rival = min((c.z for c in ranked[1:]), default=math.inf)
    shown = tuple(c for i, c in enumerate(ranked) if i < _SHOWN or c.z < Z_RIVAL)[:MAX_PLAUSIBLE]
    if best.z > Z_ACCEPT:
        return Reading("weight", {}, "unexplained", shown, names, reading)
    if rival < max(best.z + MARGIN, Z_RIVAL):
        return Reading("weight", {}, "ambiguous", shown, names, reading)
    counts = {sku: n for sku, n in best.counts.items() if n}
    return Reading("weight", counts, "identified", shown, names, reading)


def by_weight_given(
    reading: ScaleReading, known: Mapping[str, int], restock: bool = False
) -> Reading:
    """The same judgement once another source is sure of some SKUs' counts (RFID for tagged
    SKUs): those units' weight and spread are taken out and only the other SKUs are searched.
    A known count the scale could not have given (more than it held) is unexplained."""
    names = tuple(sorted(s.sku for s in reading.skus))
    after = settled_after(reading)
    if after is None:
        return Reading("weight", {}, "unstable", skus=names, scale=reading)
    fixed = {s.sku: known.get(s.sku, 0) for s in reading.skus if s.sku in known}
    delta, variance = reading.before_g - after, 0.0
    for s in reading.skus:
        n = fixed.get(s.sku, 0)
        if n > s.on_scale and not restock:
            return Reading("weight", {}, "unexplained", skus=names, scale=reading)
        delta -= n * s.unit_g
        variance += abs(n) * s.sigma_g**2
    rest = replace(reading, skus=tuple(s for s in reading.skus if s.sku not in fixed))
    ranked = search(rest, delta, restock, extra_variance=variance)
    return replace(_verdict(ranked, names, reading, fixed), restock=restock)
