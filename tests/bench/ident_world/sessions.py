"""Cabinets and door sessions, with the truth of what really left the cabinet.

A cabinet has 2–4 scales, each with 1–3 SKUs drawn from the catalogue (never the same SKU twice
in one cabinet). A session is a take (most), or: a foreign object left on a scale on top of the
takes (2 %), one unit swapped for an object of similar weight (2 %), one unit moved to another
scale (3 %), one unit put back (3 %). Each scale reports a baseline (the last idle reading
before the door opened), the door-closed series and the seconds between them; the RFID reader
inventories the whole cabinet three times before and three times after, missing each present
tag with its own rate of 1–2 % per round.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass, field

from tests.bench.ident_world.catalogue import Supply, load
from tests.bench.ident_world.scales import (
    PhysicalScale,
    door_closed_readings,
    draw_scale,
    idle_windows,
)

KINDS = (("foreign", 0.02), ("swap", 0.02), ("moved", 0.03), ("putback", 0.03))
# a put-back is recorded for a person, not booked (issue 15: "recorded, not guessed")
EXPECTED_EXCEPTIONS = frozenset({"foreign", "swap", "moved", "putback"})
ROUNDS = 3
MAX_PER_VISIT = 10
TAKE = (0, 0, 1, 1, 1, 2, 3)
BIG_TAKE_RATE = 0.05  # a handful: 4–10 units of one SKU


@dataclass(frozen=True)
class ScaleLayout:
    slot: str
    scale: PhysicalScale
    supplies: tuple[Supply, ...]
    on_scale: tuple[int, ...]
    tray_g: float
    idle: tuple[dict, ...] = ()  # heartbeat statistics, from installation on


@dataclass(frozen=True)
class Cabinet:
    scales: tuple[ScaleLayout, ...]
    miss_rate: float  # the RFID reader's, per tag and round

    @property
    def tagged(self) -> frozenset[str]:
        return frozenset(s.sku for layout in self.scales for s in layout.supplies if s.rfid)


@dataclass(frozen=True)
class ScaleEvidence:
    slot: str
    before_g: float
    after_g: float  # the reading the cabinet flagged stable (first of the series)
    series_g: tuple[float, ...]
    elapsed_s: float
    tail_g: float  # the settling tail still in after_g (0 for most)
    reread_g: tuple[float, ...] = ()  # the series a re-read command would bring


@dataclass(frozen=True)
class Session:
    kind: str  # take | foreign | swap | moved | putback
    truth: dict[str, int]  # units that left the cabinet per SKU (negative: put back)
    scales: tuple[ScaleEvidence, ...]
    rfid_before: tuple[frozenset[str], ...] = ()
    rfid_after: tuple[frozenset[str], ...] = ()
    sku_of_tag: dict[str, str] = field(default_factory=dict)
    swap_residual: tuple[str, float] | None = None  # (slot, object − the unit's real weight)
    added_g: dict[str, float] = field(default_factory=dict)  # slot -> grams put on it, not taken
    taken: dict[str, tuple[int, ...]] = field(default_factory=dict)  # slot -> units off it

    @property
    def exception_expected(self) -> bool:
        return self.kind in EXPECTED_EXCEPTIONS


def draw_layout(rng: random.Random, slot: str, taken: set[str]) -> ScaleLayout:
    pool = [s for s in load() if s.sku not in taken]
    supplies = tuple(rng.sample(pool, rng.choice((1, 2, 3))))
    scale = draw_scale(rng)
    on_scale = tuple(rng.randint(2, 25) for _ in supplies)
    tray = rng.uniform(300.0, 900.0)
    return ScaleLayout(slot, scale, supplies, on_scale, tray)


def installed(rng: random.Random, layout: ScaleLayout) -> ScaleLayout:
    """The layout after its scale has idled a few hours: its heartbeat statistics added."""
    load_g = layout.tray_g + sum(
        s.unit_g * n for s, n in zip(layout.supplies, layout.on_scale, strict=True)
    )
    idle = tuple({"slot": layout.slot} | w for w in idle_windows(rng, layout.scale, load_g))
    return dataclasses.replace(layout, idle=idle)


def draw_kind(rng: random.Random) -> str:
    roll, edge = rng.random(), 0.0
    for kind, rate in KINDS:
        edge += rate
        if roll < edge:
            return kind
    return "take"


def take_counts(rng: random.Random, layout: ScaleLayout) -> list[int]:
    """Units of each SKU one visit takes from this scale."""
    counts = []
    for n in layout.on_scale:
        want = rng.randint(4, MAX_PER_VISIT) if rng.random() < BIG_TAKE_RATE else rng.choice(TAKE)
        counts.append(min(want, n, MAX_PER_VISIT))
    return counts


def _elapsed(rng: random.Random) -> float:
    door_open = min(300.0, rng.lognormvariate(math.log(20.0), 0.8))
    return rng.uniform(0.0, 10.0) + door_open + rng.uniform(1.0, 3.0)


class _Plan:
    """One session's physical changes before they are read: units out, grams in, tags."""

    def __init__(self, cabinet: Cabinet) -> None:
        self.taken = {lay.slot: [0] * len(lay.supplies) for lay in cabinet.scales}
        self.added_g = dict.fromkeys(self.taken, 0.0)
        self.truth: dict[str, int] = {}
        self.extra_tags: list[tuple[str, str]] = []  # (tag, sku) put back or moved in
        self.swap_residual: tuple[str, float] | None = None

    def take(self, layout: ScaleLayout, index: int, n: int) -> None:
        self.taken[layout.slot][index] += n
        sku = layout.supplies[index].sku
        self.truth[sku] = self.truth.get(sku, 0) + n


Real = dict[str, list[list[float]]]  # slot -> per SKU, the real weight of each unit there


def _plan(rng: random.Random, cabinet: Cabinet, kind: str, real: Real) -> _Plan:
    plan = _Plan(cabinet)
    scales = cabinet.scales
    if kind in ("take", "foreign"):
        for layout in rng.sample(scales, 2 if rng.random() < 0.3 else 1):
            for index, n in enumerate(take_counts(rng, layout)):
                plan.take(layout, index, n)
        if kind == "foreign":
            grams = math.exp(rng.uniform(math.log(3.0), math.log(500.0)))
            plan.added_g[rng.choice(scales).slot] += grams
        return plan
    layout = rng.choice(scales)
    index = rng.randrange(len(layout.supplies))
    supply = layout.supplies[index]
    if kind == "swap":
        plan.take(layout, index, 1)
        swapped_in = supply.unit_g * rng.uniform(0.7, 1.3)
        plan.added_g[layout.slot] += swapped_in
        plan.swap_residual = (layout.slot, swapped_in - real[layout.slot][index][0])
    elif kind == "putback":
        plan.added_g[layout.slot] += rng.gauss(supply.unit_g, supply.spread_g)
        plan.truth[supply.sku] = -1
        plan.extra_tags.append((f"{supply.sku}:back", supply.sku))
    else:  # moved: off this scale onto another; nothing left the cabinet, its tag stays
        plan.taken[layout.slot][index] += 1
        target = rng.choice([s for s in scales if s is not layout])
        plan.added_g[target.slot] += real[layout.slot][index][0]
        plan.extra_tags.append((f"{supply.sku}:0", supply.sku))
    return plan


def _rounds(rng: random.Random, present: set[str], miss_rate: float) -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(t for t in sorted(present) if rng.random() >= miss_rate) for _ in range(ROUNDS)
    )


def draw_session(rng: random.Random, cabinet: Cabinet) -> Session:
    kind = draw_kind(rng)
    real: Real = {
        lay.slot: [
            [rng.gauss(s.unit_g, s.spread_g) for _ in range(n)]
            for s, n in zip(lay.supplies, lay.on_scale, strict=True)
        ]
        for lay in cabinet.scales
    }
    plan = _plan(rng, cabinet, kind, real)
    evidence, before_tags, after_tags, sku_of_tag = [], set(), set(), {}
    for lay in cabinet.scales:
        units, out = real[lay.slot], plan.taken[lay.slot]
        zero = rng.gauss(0.0, 2.0)  # wherever the zero stands today; only the change matters
        before_true = lay.tray_g + zero + sum(sum(w) for w in units)
        elapsed = _elapsed(rng)
        after_true = (
            lay.tray_g
            + zero
            + lay.scale.walk(rng, elapsed)
            + plan.added_g[lay.slot]
            + sum(sum(w[k:]) for w, k in zip(units, out, strict=True))
        )
        series, tail, reread = door_closed_readings(rng, lay.scale, after_true)
        before = lay.scale.read(rng, before_true)
        evidence.append(ScaleEvidence(lay.slot, before, series[0], series, elapsed, tail, reread))
        for supply, n, k in zip(lay.supplies, lay.on_scale, out, strict=True):
            if supply.rfid:
                tags = [f"{supply.sku}:{i}" for i in range(n)]
                sku_of_tag.update(dict.fromkeys(tags, supply.sku))
                before_tags.update(tags)
                after_tags.update(tags[k:])
    for tag, sku in plan.extra_tags:
        if sku in cabinet.tagged:
            sku_of_tag[tag] = sku
            after_tags.add(tag)
    truth = {sku: n for sku, n in plan.truth.items() if n}
    physics = {
        "swap_residual": plan.swap_residual,
        "added_g": {slot: g for slot, g in plan.added_g.items() if g},
        "taken": {slot: tuple(out) for slot, out in plan.taken.items()},
    }
    if not sku_of_tag:
        return Session(kind, truth, tuple(evidence), **physics)
    return Session(
        kind,
        truth,
        tuple(evidence),
        _rounds(rng, before_tags, cabinet.miss_rate),
        _rounds(rng, after_tags, cabinet.miss_rate),
        sku_of_tag,
        **physics,
    )


def draw_cabinet(rng: random.Random, accepts) -> tuple[Cabinet, int, int]:
    """A cabinet of 2–4 scales whose layouts `accepts` (the planogram check, made at
    installation: with the indicators' nominal models), then idle for a few hours; also how
    many random scale layouts were drawn and how many of them were refused on the way."""
    layouts: list[ScaleLayout] = []
    drawn = refused = 0
    for n in range(rng.randint(2, 4)):
        while True:
            used = {s.sku for lay in layouts for s in lay.supplies}
            layout = draw_layout(rng, f"S{n}", used)
            drawn += 1
            if accepts(layout):
                layouts.append(installed(rng, layout))
                break
            refused += 1
    return Cabinet(tuple(layouts), rng.uniform(0.01, 0.02)), drawn, refused
