"""The only place the world touches the engine (app/withdrawals/services/identify.py).

Written to the issue-15 contract (check_layout, by_rfid_rounds, ScaleReading with model /
elapsed_s / after_series_g / max_per_visit). While main still has the older engine, the same
calls are mapped onto it: separation_problem for the layout, the union of the rounds for
by_rfid, the model's σ and drift as noise_g / drift_g. `CONTRACT` says which one ran.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import statistics
from datetime import UTC, datetime, timedelta

from app.withdrawals.services import identify, scale_model
from app.withdrawals.services.identify import SkuOnScale, Verdict
from app.withdrawals.services.scale_model import ScaleModel
from tests.bench.ident_world.scales import REREAD_AFTER_S
from tests.bench.ident_world.sessions import MAX_PER_VISIT, Cabinet, ScaleLayout, Session

CONTRACT = hasattr(identify, "check_layout") and hasattr(identify, "by_rfid_rounds")
REREADS = hasattr(identify, "unsettled_slots")
LEARNS = hasattr(scale_model, "learned_model") and hasattr(scale_model, "LearnedStats")
INSTALLED = datetime(2026, 11, 30, 6, tzinfo=UTC)  # a fixed clock: nothing depends on today
TOLERANCE_SIGMAS = 3.0  # the contract reads SkuOnScale.tolerance_g as ± 3 σ


def skus_of(layout: ScaleLayout) -> tuple[SkuOnScale, ...]:
    return tuple(
        SkuOnScale(s.sku, s.unit_g, round(TOLERANCE_SIGMAS * s.spread_g, 3), n, s.rfid)
        for s, n in zip(layout.supplies, layout.on_scale, strict=True)
    )


def _idle_stats(layout: ScaleLayout) -> tuple[float, float]:
    """(pooled σ of the idle windows, 1 σ per minute of the idle mean's 5-minute steps less the
    means' own noise): the stand-in for the product's folding where it has none."""
    sigma = math.sqrt(statistics.fmean((w["sd_mg"] / 1000) ** 2 for w in layout.idle))
    lag = max(1, round(300 / layout.idle[0]["span_s"]))
    means = [w["mean_mg"] / 1000 for w in layout.idle[::lag]]
    steps = [b - a for a, b in itertools.pairwise(means)]
    noise = 2 * sigma**2 / layout.idle[0]["n"]
    walk = statistics.fmean(d * d for d in steps) - noise
    return sigma, math.sqrt(max(walk, 0.0) / (lag * layout.idle[0]["span_s"] / 60))


def _product_model(layout: ScaleLayout) -> ScaleModel | None:
    """The model the product itself learns from these heartbeats
    (app/cabinets/services/scale_stats.py), when this tree has it."""
    try:
        from app.cabinets.models import Slot
        from app.cabinets.services.scale_stats import fold_window, model_of
    except ImportError:
        return None
    slot = Slot(code=layout.slot, kind="scale", indicator=layout.scale.indicator)
    slot.noise_samples, slot.noise_dof, slot.drift_minutes = 0, 0, 0.0
    at = INSTALLED
    for window in layout.idle:
        at += timedelta(seconds=window["span_s"])
        fold_window(slot, window, at, "closed")
    return model_of(slot)


def model_source() -> str:
    """Which of known_model's sources this tree offers, for the bench's output."""
    try:
        from app.cabinets.services import scale_stats  # noqa: F401
    except ImportError:
        return "learned_model over 3 h of idle windows" if LEARNS else "nominal per class"
    return "the product's scale_stats over 3 h of idle windows"


def known_model(layout: ScaleLayout) -> ScaleModel:
    """What the server knows of this scale: what the product learns from its heartbeats, else
    learned_model over our own statistics, else (or before any heartbeat) the nominal model."""
    nominal = layout.scale.nominal
    if not layout.idle:
        return nominal
    product = _product_model(layout)
    if product is not None:
        return product
    if not LEARNS:
        return nominal
    sigma, drift = _idle_stats(layout)
    stats = scale_model.LearnedStats(
        sigma_g=sigma,
        samples=sum(w["n"] for w in layout.idle),
        drift_g_per_min=drift,
        drift_minutes=sum(w["span_s"] for w in layout.idle) / 60,
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


def identify_session(
    cabinet: Cabinet,
    models: dict[str, ScaleModel],
    session: Session,
    vision: dict | None = None,
) -> Verdict:
    """The engine's verdict on one session: by_weight per scale, the RFID rounds, fuse (with
    the camera's readings per slot when `vision` is given)."""
    weights = [
        identify.by_weight(_reading(lay, models[lay.slot], ev))
        for lay, ev in zip(cabinet.scales, session.scales, strict=True)
    ]
    if REREADS:  # the server asks the unsettled scales for a fresh series (cmd.reread)
        again = set(identify.unsettled_slots(weights))
        for i, (lay, ev) in enumerate(zip(cabinet.scales, session.scales, strict=True)):
            if lay.slot in again and ev.reread_g:
                later = dataclasses.replace(
                    ev,
                    after_g=ev.reread_g[0],
                    series_g=ev.reread_g,
                    elapsed_s=ev.elapsed_s + REREAD_AFTER_S,
                )
                weights[i] = identify.by_weight(_reading(lay, models[lay.slot], later))
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
    if vision is None:
        verdict = identify.fuse(weights, rfid, tagged)
    else:
        verdict = identify.fuse(weights, rfid, tagged, vision)
    # the product's own rule after fusion (app/withdrawals/services/sessions.py): a visit is booked
    # only when everything went the visit's way
    return identify.directed(verdict, restock=False) if CONTRACT else verdict
