"""Identification in a world we did not tune to (tests/bench/ident_world/, issue 15 item 7).

Random cabinet layouts of real office supplies on three scale classes, judged by the engine's
planogram check first; door sessions with drift, settling tails flagged stable, RFID misses,
foreign objects, swaps, moved items and put-backs, through by_weight / RFID rounds / fuse.

Metrics: ident_field_refused_rate (share of random scale layouts refused; target ≤ 0.15),
ident_field_right_rate (target ≥ 0.85), ident_field_exception_rate (target ≤ 0.12),
ident_field_silently_wrong (target 0), ident_ms_p99 (engine only; target < 20 ms).
BENCH_IDENT_FIELD_SESSIONS (default 30000) sessions over BENCH_IDENT_FIELD_SEEDS.
"""

from __future__ import annotations

import os

from tests.bench.ident_world import engine
from tests.bench.ident_world.limits import frontier
from tests.bench.ident_world.runner import run as run_world

SESSIONS = int(os.environ.get("BENCH_IDENT_FIELD_SESSIONS", "30000"))
SEEDS = tuple(
    int(s) for s in os.environ.get("BENCH_IDENT_FIELD_SEEDS", "151,1515,15151").split(",")
)


def run() -> dict[str, float]:
    tally = run_world(SESSIONS, SEEDS)
    print(
        f"  engine: {'contract' if engine.CONTRACT else 'pre-contract (main)'}; "
        f"scale models: {engine.model_source()}"
    )
    print(f"  layouts (indicator, SKUs, refused): {dict(sorted(tally.layout_verdicts.items()))}")
    print(f"  exceptions by reason: {dict(tally.reasons.most_common())}")
    print(f"  outcomes by kind: {dict(sorted(tally.by_kind.items()))}")
    print(f"  least confusable share by refusal rate (limits.py): {frontier(tally.floors)}")
    for example in tally.wrong_examples:
        print(f"  wrong: {example}")
    return tally.figures()
