"""The only place the world touches the engine (app/withdrawals/identify.py).

Written to the issue-15 contract (check_layout, by_rfid_rounds, ScaleReading with model /
elapsed_s / after_series_g / max_per_visit). While main still has the older engine, the same
calls are mapped onto it: separation_problem for the layout, the union of the rounds for
by_rfid, the model's σ and drift as noise_g / drift_g. `CONTRACT` says which one ran.
"""

from __future__ import annotations

import itertools
import math
import statistics

from app.withdrawals import identify, scale_model
from app.withdrawals.identify import SkuOnScale, Verdict
from app.withdrawals.scale_model import ScaleModel
from tests.bench.ident_world.sessions import MAX_PER_VISIT, Cabinet, ScaleLayout, Session

CONTRACT = hasattr(identify, "check_layout") and hasattr(identify, "by_rfid_rounds")
LEARNS = hasattr(scale_model, "learned_model") and hasattr(scale_model, "LearnedStats")
TOLERANCE_SIGMAS = 3.0  # the contract reads SkuOnScale.tolerance_g as ± 3 σ


def skus_of(layout: ScaleLayout) -> tuple[SkuOnScale, ...]:
    return tuple(
        SkuOnScale(s.sku, s.unit_g, round(TOLERANCE_SIGMAS * s.spread_g, 3), n)
        for s, n in zip(layout.supplies, layout.on_scale, strict=True)
    )


def _idle_stats(layout: ScaleLayout) -> tuple[float, float]:
    """(pooled σ of the idle readings, 1 σ of the minute means' walk per minute)."""
    sigma = math.sqrt(statistics.fmean(statistics.variance(m) for m in layout.idle))
    means = [statistics.fmean(m) for m in layout.idle]
    steps = [b - a for a, b in itertools.pairwise(means)]
    walk_var = statistics.fmean(d * d for d in steps) - 2 * sigma**2 / len(layout.idle[0])
    return sigma, math.sqrt(max(walk_var, 0.0))


def known_model(layout: ScaleLayout) -> ScaleModel:
    """What the server knows of this scale: learned from its idle readings when the plumbing's
    learned_model exists, the indicator's nominal model otherwise."""
    nominal = layout.scale.nominal
    if not LEARNS or not layout.idle:
        return nominal
    sigma, drift = _idle_stats(layout)
    stats = scale_model.LearnedStats(
        sigma_g=sigma,
        samples=sum(len(m) for m in layout.idle),
        drift_g_per_min=drift,
        drift_minutes=float(len(layout.idle)),
    )
    return scale_model.learned_model(nominal, stats)


def accepts(layout: ScaleLayout) -> bool:
    skus, model = skus_of(layout), known_model(layout)
    if CONTRACT:
        return not identify.check_layout(skus, model, MAX_PER_VISIT).refused
    noise = model.reading_sigma_g()
    return identify.separation_problem(list(skus), noise, model.drift_sigma_g(60.0)) is None


def _reading(layout: ScaleLayout, model: ScaleModel, evidence) -> identify.ScaleReading:
    skus = skus_of(layout)
    if CONTRACT:
        return identify.ScaleReading(
            evidence.slot,
            evidence.before_g,
            evidence.after_g,
            True,
            skus,
            model=model,
            elapsed_s=evidence.elapsed_s,
            after_series_g=evidence.series_g,
            max_per_visit=MAX_PER_VISIT,
        )
    drift = model.drift_sigma_g(evidence.elapsed_s)
    return identify.ScaleReading(
        evidence.slot, evidence.before_g, evidence.after_g, True, skus,
        model.reading_sigma_g(), drift,
    )  # fmt: skip


def identify_session(cabinet: Cabinet, models: dict[str, ScaleModel], session: Session) -> Verdict:
    """The engine's verdict on one session: by_weight per scale, the RFID rounds, fuse."""
    weights = [
        identify.by_weight(_reading(lay, models[lay.slot], ev))
        for lay, ev in zip(cabinet.scales, session.scales, strict=True)
    ]
    tagged = set(cabinet.tagged)
    rfid = None
    if session.sku_of_tag:
        if CONTRACT:
            rfid = identify.by_rfid_rounds(
                session.rfid_before, session.rfid_after, session.sku_of_tag
            )
        else:
            before = set().union(*session.rfid_before)
            after = set().union(*session.rfid_after)
            rfid = identify.by_rfid(before, after, session.sku_of_tag)
    return identify.fuse(weights, rfid, tagged)
