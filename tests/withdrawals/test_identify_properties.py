"""Properties of identification by weight, over many seeded random layouts and takes: the
verdict does not depend on the order or the ids of the SKUs, a change exactly explained by a
count vector is identified when the layout check says that take is clear, and noise within the
model never flips such a clear winner."""

from __future__ import annotations

import itertools
import math
import random

from app.withdrawals.services.ident_weight import base_variance
from app.withdrawals.services.identify import (
    ScaleReading,
    SkuOnScale,
    by_weight,
    check_layout,
    fuse,
)
from app.withdrawals.services.scale_model import DEFAULT_MODELS

MODELS = list(DEFAULT_MODELS.values())


def _skus(rng: random.Random, heavy_spread: bool = False) -> tuple[SkuOnScale, ...]:
    spread = (0.0, 20.0) if heavy_spread else (0.0, 0.02)
    out = []
    for n in range(rng.choice((1, 2, 3))):
        unit = round(rng.uniform(2.0 if heavy_spread else 8.0, 100.0 if heavy_spread else 900), 1)
        tolerance = rng.uniform(*spread) if heavy_spread else unit * rng.uniform(*spread)
        out.append(SkuOnScale(f"S{n}", unit, round(tolerance, 2), rng.randint(1, 12)))
    return tuple(out)


def _verdict(reading: ScaleReading) -> tuple[str, dict[str, int]]:
    found = by_weight(reading)
    return found.status, dict(found.counts)


def test_permuting_and_renaming_skus_gives_the_same_verdict() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        skus = _skus(rng, heavy_spread=True)
        delta = sum(s.unit_g * rng.randint(0, 8) for s in skus) + rng.gauss(0, 1.5)
        model = rng.choice(MODELS)
        verdicts = set()
        for order in itertools.permutations(skus):
            renamed = {s.sku: f"X{rng.randint(0, 10**6)}-{s.sku}" for s in order}
            moved = tuple(
                SkuOnScale(renamed[s.sku], s.unit_g, s.tolerance_g, s.on_scale) for s in order
            )
            status, counts = _verdict(
                ScaleReading("A1", 1000.0, 1000.0 - delta, True, moved, model)
            )
            back = {old: counts[new] for old, new in renamed.items() if new in counts}
            verdicts.add((status, tuple(sorted(back.items()))))
        assert len(verdicts) == 1, (skus, delta, verdicts)


def test_permuting_the_scales_gives_the_same_fused_verdict() -> None:
    rng = random.Random(11)
    for _ in range(300):
        readings = []
        for n in range(3):
            skus = tuple(
                SkuOnScale(f"{n}{s.sku}", s.unit_g, s.tolerance_g, s.on_scale) for s in _skus(rng)
            )
            delta = sum(s.unit_g * rng.randint(0, 3) for s in skus) + rng.gauss(0, 0.5)
            readings.append(by_weight(ScaleReading(f"A{n}", 900.0, 900.0 - delta, True, skus)))
        verdicts = {
            (v.status, tuple(sorted(v.counts.items())), v.reason)
            for v in (fuse(order, None, set()) for order in itertools.permutations(readings))
        }
        assert len({(s, c) for s, c, _ in verdicts}) == 1


def _clear_takes(skus, model) -> list[tuple[int, ...]]:
    """Takes of 0..3 units per SKU, within stock, that the layout check finds no collision for."""
    check = check_layout(skus, model)
    colliding = {tuple(sorted(t.items())) for pair in check.collisions for t in pair}
    takes = itertools.product(*(range(min(3, s.on_scale) + 1) for s in skus))
    named = (tuple(sorted((s.sku, n) for s, n in zip(skus, t, strict=True) if n)) for t in takes)
    return [dict(t) for t in named if t not in colliding]


def test_a_change_exactly_explained_by_a_clear_take_is_identified() -> None:
    rng = random.Random(13)
    checked = 0
    for _ in range(400):
        skus, model = _skus(rng), rng.choice(MODELS)
        for take in _clear_takes(skus, model):
            delta = sum(s.unit_g * take.get(s.sku, 0) for s in skus)
            reading = ScaleReading("A1", 1200.0, 1200.0 - delta, True, skus, model)
            assert _verdict(reading) == ("identified", take), (skus, model, take)
            checked += 1
    assert checked > 2000


def test_noise_within_the_model_never_flips_a_clear_winner() -> None:
    rng = random.Random(17)
    checked = 0
    for _ in range(400):
        skus, model = _skus(rng), rng.choice(MODELS)
        for take in _clear_takes(skus, model):
            delta = sum(s.unit_g * take.get(s.sku, 0) for s in skus)
            probe = ScaleReading("A1", 1200.0, 1200.0, True, skus, model)
            spread = sum(n * s.sigma_g**2 for s in skus for k, n in take.items() if k == s.sku)
            sigma = math.sqrt(base_variance(probe) + spread)
            noise = rng.uniform(-1.0, 1.0) * sigma  # within 1 σ of what the model expects
            reading = ScaleReading("A1", 1200.0, 1200.0 - delta - noise, True, skus, model)
            assert _verdict(reading) == ("identified", take), (skus, model, take, noise)
            checked += 1
    assert checked > 2000
