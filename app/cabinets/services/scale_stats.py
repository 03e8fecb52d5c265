"""What each scale learns about itself from its idle readings (protocol v1.1: a heartbeat's
`scales` statistics) and from the settled door-closed series of visits and restocks, and the
noise model identification then uses for it.

σ: the windows' sample variances pooled by their degrees of freedom. Drift: the step of the
idle mean over about five minutes, less what the two means' own noise explains, per minute
between them. A step too large to be drift (a load changed: someone took or put something) or
after a long silence starts a new pair instead. Older evidence fades beyond a horizon, so that
a scale whose noise changes (a loose foot, a new indicator) follows.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from app.cabinets.models import Cabinet, Slot, SlotKind
from app.core.i18n import MESSAGES, t
from app.core.model_base import as_utc
from app.withdrawals.services.scale_model import (
    MIN_SAMPLES,
    LearnedStats,
    ScaleModel,
    default_model,
    learned_model,
)

logger = logging.getLogger(__name__)

HORIZON_DOF = 20_000  # readings of evidence kept at full weight for σ (older ones fade)
HORIZON_MINUTES = 24 * 60.0  # idle minutes kept for drift
DRIFT_LAG_S = 300  # one drift step: the idle mean now against the one about 5 minutes ago
MAX_PAIR_GAP_S = 900  # windows further apart than this are not one drift step
MIN_SERIES = 3  # door-closed readings a series needs to say anything of σ
LOAD_CHANGE_G = 5.0  # a step beyond this (plus the noise allowance) is a load, not drift


def model_of(slot: Slot) -> ScaleModel:
    """The slot's noise model: its indicator's defaults, or what it learned once it has enough."""
    stats = LearnedStats(
        sigma_g=slot.noise_sigma_g,
        samples=slot.noise_samples,
        drift_g_per_min=slot.drift_g_per_min,
        drift_minutes=slot.drift_minutes,
    )
    return learned_model(default_model(slot.indicator), stats)


def fold_heartbeat(
    *, session: Session, cabinet: Cabinet, body: Mapping[str, Any], at: datetime
) -> int:
    """Fold a heartbeat's per-scale statistics into its slots; how many were taken. A window
    naming an unknown slot, or whose figures contradict each other, is logged and skipped."""
    windows = body.get("scales") or []
    if not windows:
        return 0
    slots = {
        s.code: s
        for s in session.exec(
            select(Slot).where(Slot.cabinet_id == cabinet.id, Slot.kind == SlotKind.scale.value)
        )
    }
    return sum(_fold_one(slots, cabinet, window, as_utc(at), body) for window in windows)


def _fold_one(
    slots: Mapping[str, Slot],
    cabinet: Cabinet,
    window: Mapping[str, Any],
    at: datetime,
    body: Mapping[str, Any],
) -> bool:
    slot = slots.get(window["slot"])
    problem = _problem(slot, window)
    if problem is not None:
        logger.warning(
            "scale statistics of %s/%s skipped: %s", cabinet.code, window["slot"], problem
        )
        return False
    assert slot is not None
    fold_window(slot, window, at, body.get("door"))
    return True


def fold_window(slot: Slot, window: Mapping[str, Any], at: datetime, door: str | None) -> None:
    """One checked idle window into the slot's σ and (door closed) drift."""
    _fold_sigma(slot, window["n"], window["sd_mg"] / 1000)
    if door == "closed":
        _fold_drift(slot, window, at)
    else:  # the door is open or unknown: the next window starts a new pair
        slot.idle_mean_mg, slot.idle_at = None, None
    slot.model_updated_at = at


def fold_series(slot: Slot, series_g: Sequence[float], at: datetime) -> bool:
    """A settled door-closed series (protocol v1.1 `series_mg`: readings of the load after a
    visit or a restock, whatever its weight) as one more sample of the scale's σ."""
    n = len(series_g)
    if n < MIN_SERIES:
        return False
    mean = sum(series_g) / n
    _fold_sigma(slot, n, math.sqrt(sum((g - mean) ** 2 for g in series_g) / (n - 1)))
    slot.model_updated_at = at
    return True


def _problem(slot: Slot | None, window: Mapping[str, Any]) -> str | None:
    if slot is None:
        return "no scale slot with that code"
    if not window["min_mg"] <= window["mean_mg"] <= window["max_mg"]:
        return "mean_mg outside min_mg..max_mg"
    if window["sd_mg"] > window["max_mg"] - window["min_mg"]:
        return "sd_mg larger than the range max_mg - min_mg"
    return None


def _fold_sigma(slot: Slot, n: int, sd_g: float) -> None:
    dof = n - 1
    slot.noise_samples += n
    if dof <= 0:
        return
    old = min(slot.noise_dof, HORIZON_DOF)
    old_var = (slot.noise_sigma_g or 0.0) ** 2
    slot.noise_sigma_g = math.sqrt((old * old_var + dof * sd_g**2) / (old + dof))
    slot.noise_dof = old + dof


def _fold_drift(slot: Slot, window: Mapping[str, Any], at: datetime) -> None:
    previous, since = slot.idle_mean_mg, slot.idle_at
    gap_s = (at - as_utc(since)).total_seconds() if since is not None else 0.0
    if previous is not None and 0 < gap_s < DRIFT_LAG_S:
        return  # the anchor stays: over a longer step the walk outgrows the means' own noise
    slot.idle_mean_mg, slot.idle_at = window["mean_mg"], at
    if previous is None or not 0 < gap_s <= MAX_PAIR_GAP_S:
        return
    step_g = (window["mean_mg"] - previous) / 1000
    sigma = slot.noise_sigma_g or default_model(slot.indicator).sigma_g
    noise_var = 2 * sigma**2 / window["n"]  # the two means' own noise (the previous n unknown)
    if abs(step_g) > LOAD_CHANGE_G + 6 * math.sqrt(noise_var):
        return
    minutes = gap_s / 60
    old = min(slot.drift_minutes, HORIZON_MINUTES)
    walk = old * (slot.drift_g_per_min or 0.0) ** 2 + step_g**2 - noise_var
    slot.drift_g_per_min = math.sqrt(max(walk, 0.0) / (old + minutes))
    slot.drift_minutes = old + minutes


def describe(slots: Iterable[Slot]) -> list[dict[str, Any]]:
    """Each scale slot's model as plain figures, for the console."""
    out = []
    for slot in slots:
        if slot.kind != SlotKind.scale.value:
            continue
        model = model_of(slot)
        out.append(
            {
                "slot": slot.code,
                "slot_id": slot.id,
                "model": model,
                "indicator": slot.indicator,
                "sigma_g": model.sigma_g,
                "resolution_g": model.resolution_g,
                "drift_g_per_min": model.drift_g_per_min,
                "learned": model is not default_model(slot.indicator),
                "samples": slot.noise_samples,
            }
        )
    return out


def words(scale: Mapping[str, Any], locale: str) -> str:
    """One scale's model in a sentence: indicator, σ, division, drift and where they come from."""
    if scale["learned"]:
        source = t("cabinets.scale_learned", locale, n=scale["samples"])
    else:
        source = t("cabinets.scale_defaults", locale, n=scale["samples"], needed=MIN_SAMPLES)
    key = f"indicator.{scale['indicator']}"
    text = _model_words(scale, locale, key, source)
    if scale.get("collisions"):
        share = round(100 * scale["colliding_share"])
        text += " " + t("cabinets.scale_collisions", locale, takes=scale["collisions"], share=share)
    return text


def _model_words(scale: Mapping[str, Any], locale: str, key: str, source: str) -> str:
    return t(
        "cabinets.scale_model",
        locale,
        slot=scale["slot"],
        indicator=t(key, locale) if key in MESSAGES else scale["indicator"],
        sigma=f"{scale['sigma_g']:.2f}",
        resolution=f"{scale['resolution_g']:g}",
        drift=f"{scale['drift_g_per_min']:.2f}",
        source=source,
    )
