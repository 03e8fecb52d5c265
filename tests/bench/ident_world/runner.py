"""Runs the world's sessions through the engine and scores each verdict against the truth.

right: committed with exactly the units that left the cabinet, or an exception for a session
that should be one (a foreign object, a swap, an item moved between slots). wrong: committed
and not exactly the truth — the figure that must stay 0.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.bench.ident_world import engine
from tests.bench.ident_world.limits import LayoutLimits, frontier
from tests.bench.ident_world.sessions import Cabinet, Session, draw_cabinet, draw_session

CABINETS_PER_SEED = 100


@dataclass
class Tally:
    sessions: int = 0
    right: int = 0
    exceptions: int = 0
    wrong: int = 0
    errors: int = 0  # the engine raised: a crash a cabinet would suffer, never right
    wrong_invisible: int = 0  # of `wrong`: an object weighing what units taken did (limits)
    layouts: int = 0
    refused: int = 0
    ms: list[float] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    layout_verdicts: Counter = field(default_factory=Counter)  # (indicator, SKUs, refused)
    by_kind: Counter = field(default_factory=Counter)  # (kind, outcome)
    wrong_examples: list[str] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)  # per drawn layout (limits.py)
    confusable: int = 0  # sessions whose take no engine can tell from another by weight

    def figures(self) -> dict[str, float]:
        ms = sorted(self.ms)
        p99 = ms[min(len(ms) - 1, int(0.99 * len(ms)))] if ms else 0.0
        return {
            "ident_field_sessions": self.sessions,
            "ident_field_refused_rate": round(self.refused / max(self.layouts, 1), 5),
            "ident_field_right_rate": round(self.right / max(self.sessions, 1), 5),
            "ident_field_exception_rate": round(self.exceptions / max(self.sessions, 1), 5),
            "ident_field_silently_wrong": self.wrong,
            "ident_field_silently_wrong_invisible": self.wrong_invisible,
            "ident_field_silently_wrong_visible": self.wrong - self.wrong_invisible,
            "ident_field_engine_errors": self.errors,
            "ident_ms_p99": round(p99, 3),
            "ident_field_confusable_share": round(self.confusable / max(self.sessions, 1), 5),
            "ident_field_floor_at_15pct_refused": frontier(self.floors)[0.15] if self.floors else 0,
        }


def _invisible(cabinet: Cabinet, session) -> bool:
    """What no scale can see: an object put on a scale (a swap's object, a foreign object, a
    unit moved there) that weighs, within 3 σ of that scale's real noise (both readings, the
    drift, the units' spreads), what some of the units taken from it did — nothing included:
    the reading is then the reading of an honest take."""
    for slot, added in session.added_g.items():
        layout = next(lay for lay in cabinet.scales if lay.slot == slot)
        evidence = next(e for e in session.scales if e.slot == slot)
        scale = layout.scale
        walk = scale.drift_g_per_min * math.sqrt(evidence.elapsed_s / 60.0)
        base = 2 * scale.sigma_g**2 + 2 * scale.resolution_g**2 / 12 + walk**2
        taken = session.taken.get(slot, ())
        for part in itertools.product(*(range(n + 1) for n in taken)):
            weight = sum(n * s.unit_g for n, s in zip(part, layout.supplies, strict=True))
            spread = sum(n * s.spread_g**2 for n, s in zip(part, layout.supplies, strict=True))
            if abs(added - weight) < 3.0 * math.sqrt(base + spread):
                return True
    return False


def _score(tally: Tally, cabinet: Cabinet, session, verdict) -> None:
    tally.sessions += 1
    if verdict.status == "exception":
        tally.exceptions += 1
        tally.reasons[verdict.reason] += 1
        outcome = "exception"
        if session.exception_expected:
            tally.right += 1
            outcome = "exception_expected"
    elif {k: v for k, v in verdict.counts.items() if v} == session.truth:
        tally.right += 1
        outcome = "right"
    else:
        tally.wrong += 1
        tally.wrong_invisible += _invisible(cabinet, session)
        outcome = "wrong"
        if len(tally.wrong_examples) < 20:
            tails = [e.tail_g for e in session.scales if e.tail_g]
            tally.wrong_examples.append(
                f"{session.kind}: truth {session.truth} committed {dict(verdict.counts)}"
                + (f" tail {tails}" if tails else "")
            )
    tally.by_kind[(session.kind, outcome)] += 1


def _confusable(limits: dict[str, LayoutLimits], cabinet: Cabinet, session: Session) -> bool:
    """Whether the visit's true take, on some scale, has a twin no weight can tell from it."""
    if session.kind != "take":
        return False
    for layout in cabinet.scales:
        take = tuple(session.truth.get(s.sku, 0) for s in layout.supplies)
        if any(take) and limits[layout.slot].confusable(take):
            return True
    return False


Camera = Callable[[Cabinet, Session], dict]  # the camera's readings per slot for a session


def run_seed(tally: Tally, seed: int, sessions: int, camera: Camera | None = None) -> None:
    rng = random.Random(seed)
    limits_rng = random.Random(seed + 1)  # its own stream: the world's draws stay the same
    cabinets: list[tuple[Cabinet, dict, dict]] = []

    def judged(layout) -> bool:
        tally.floors.append(LayoutLimits(layout).floor(limits_rng))
        accepted = engine.accepts(layout)
        key = (layout.scale.indicator, len(layout.supplies), not accepted)
        tally.layout_verdicts[key] += 1
        return accepted

    for _ in range(CABINETS_PER_SEED):
        cabinet, drawn, refused = draw_cabinet(rng, judged)
        tally.layouts += drawn
        tally.refused += refused
        models = {lay.slot: engine.known_model(lay) for lay in cabinet.scales}
        limits = {lay.slot: LayoutLimits(lay) for lay in cabinet.scales}
        cabinets.append((cabinet, models, limits))
    for _ in range(sessions):
        cabinet, models, limits = rng.choice(cabinets)
        session = draw_session(rng, cabinet)
        tally.confusable += _confusable(limits, cabinet, session)
        started = time.perf_counter()
        try:
            vision = camera(cabinet, session) if camera is not None else None
            verdict = engine.identify_session(cabinet, models, session, vision)
        except Exception as error:  # counted and shown, the run goes on
            tally.sessions += 1
            tally.errors += 1
            if len(tally.wrong_examples) < 20:
                tally.wrong_examples.append(f"{session.kind}: engine raised {error!r}")
            continue
        tally.ms.append((time.perf_counter() - started) * 1000.0)
        _score(tally, cabinet, session, verdict)


def run(total_sessions: int, seeds: tuple[int, ...], camera: Camera | None = None) -> Tally:
    tally = Tally()
    per_seed, extra = divmod(total_sessions, len(seeds))
    for n, seed in enumerate(seeds):
        run_seed(tally, seed, per_seed + (1 if n < extra else 0), camera)
    return tally
