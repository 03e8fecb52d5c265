"""Identification on generated door sessions (app/withdrawals/services/identify.py).

Each session: a cabinet of 1–3 scales, each holding 1–3 SKUs of a planogram the product accepts
(layouts the planogram check refuses are drawn again, as at planogram time), units whose real
weights spread around their nominal weight, readings with indicator noise, drift between the two
readings and now and then an unstable flag, RFID-tagged SKUs whose tags the reader misses 2 % of
the time in each of its three inventory rounds; a person takes 0–3 units of each SKU. The
identification sees only what a cabinet reports and is scored against what was really taken.

Also door_close_to_commit_p50_ms / _p99_ms at 1,000 cabinets (tests/bench/door_close.py), and the
figures of the field world (bench_ident_field.py: ident_field_* and ident_ms_p99), which
`make bench BENCH=ident_field` runs alone.

Metrics: ident_sessions; ident_right_rate (committed right, or flagged as an exception; target
≥ 0.999); ident_exception_rate; ident_silently_wrong (committed and wrong; target 0).
"""

from __future__ import annotations

import os
import random
from collections import Counter

from app.withdrawals.services.identify import (
    ScaleReading,
    SkuOnScale,
    by_rfid,
    by_weight,
    check_layout,
    fuse,
)
from app.withdrawals.services.scale_model import ScaleModel
from tests.bench import bench_ident_field, door_close

SESSIONS = int(os.environ.get("BENCH_IDENT_SESSIONS", "10000"))
SEED = int(os.environ.get("BENCH_IDENT_SEED", "20261126"))
NOISE_G = 0.5  # the indicator's σ per reading
DRIFT_G = 0.2
MODEL = ScaleModel(sigma_g=NOISE_G, drift_g_per_min=DRIFT_G)  # drift over the default 60 s
UNSTABLE_RATE = 0.01
TAG_MISS_RATE = 0.02  # per tag and per inventory round
INVENTORY_ROUNDS = 3  # the reader inventories three times and reports every tag it saw
RFID_SHARE = 0.3  # SKUs carrying tags


def _sku(rng: random.Random, n: int) -> SkuOnScale:
    unit = round(rng.uniform(5.0, 600.0), 1)
    tolerance = round(unit * rng.uniform(0.005, 0.03), 2)
    return SkuOnScale(f"S{n}", unit, tolerance, on_scale=rng.randint(3, 30))


def _accepted_scale(rng: random.Random, counter: list[int]) -> tuple[SkuOnScale, ...]:
    while True:
        skus = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            counter[0] += 1
            skus.append(_sku(rng, counter[0]))
        if not check_layout(skus, MODEL).refused:
            return tuple(skus)


def _planograms(rng: random.Random, count: int) -> list[list[tuple[SkuOnScale, ...]]]:
    counter = [0]
    return [[_accepted_scale(rng, counter) for _ in range(rng.randint(1, 3))] for _ in range(count)]


def _seen(rng: random.Random) -> bool:
    return any(rng.random() > TAG_MISS_RATE for _ in range(INVENTORY_ROUNDS))


def _session(rng: random.Random, scales, tagged: set[str]):
    truth: Counter[str] = Counter()
    readings, tags_before, tags_after, sku_of_tag = [], set(), set(), {}
    for n, skus in enumerate(scales):
        real = {s.sku: [rng.gauss(s.unit_g, s.sigma_g) for _ in range(s.on_scale)] for s in skus}
        taken = {s.sku: min(s.on_scale, rng.choice((0, 0, 1, 1, 1, 2, 3))) for s in skus}
        tray = rng.uniform(300, 900)
        before = tray + sum(sum(w) for w in real.values())
        after = tray + sum(sum(w[taken[k] :]) for k, w in real.items()) + rng.gauss(0, DRIFT_G)
        readings.append(
            ScaleReading(
                f"A{n}",
                before + rng.gauss(0, NOISE_G),
                after + rng.gauss(0, NOISE_G),
                rng.random() > UNSTABLE_RATE,
                skus,
                MODEL,
            )
        )
        truth.update({k: v for k, v in taken.items() if v})
        for s in skus:
            if s.sku in tagged:
                units = [f"{s.sku}E{u:04d}" for u in range(s.on_scale)]
                sku_of_tag.update(dict.fromkeys(units, s.sku))
                tags_before.update(units)
                tags_after.update(units[taken[s.sku] :])
    seen_before = {t for t in tags_before if _seen(rng)}
    seen_after = {t for t in tags_after if _seen(rng)}
    return readings, (seen_before, seen_after, sku_of_tag), dict(truth)


def run() -> dict[str, float]:
    rng = random.Random(SEED)
    planograms = _planograms(rng, 300)
    outcome: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for _ in range(SESSIONS):
        scales = rng.choice(planograms)
        tagged = {s.sku for skus in scales for s in skus if int(s.sku[1:]) % 10 < RFID_SHARE * 10}
        readings, (before, after, sku_of_tag), truth = _session(rng, scales, tagged)
        rfid = by_rfid(before, after, sku_of_tag) if tagged else None
        verdict = fuse([by_weight(r) for r in readings], rfid, tagged)
        if verdict.status == "exception":
            outcome["flagged"] += 1
            reasons[verdict.reason] += 1
        elif dict(verdict.counts) == truth:
            outcome["right"] += 1
        else:
            outcome["wrong"] += 1
    print(f"  exceptions by reason: {dict(reasons.most_common())}")
    return (
        door_close.run()
        | bench_ident_field.run()
        | {
            "ident_sessions": SESSIONS,
            "ident_right_rate": round((outcome["right"] + outcome["flagged"]) / SESSIONS, 5),
            "ident_exception_rate": round(outcome["flagged"] / SESSIONS, 5),
            "ident_silently_wrong": outcome["wrong"],
        }
    )
