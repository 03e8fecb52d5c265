"""Identification with the camera as third voter, on the field world of issue 15
(tests/bench/ident_world/): the same cabinets and door sessions as bench_ident_field.py, each
session also seen by the cabinet's ceiling camera before and after (ident_world/camera.py:
images drawn from what physically lies on each scale, the committed detector, counts per slot,
`by_vision` with the ledger's stock, `fuse(..., vision)`).

Metrics: ident_fused_right_rate (committed exactly right, or an exception where one is due;
target ≥ 0.97), ident_fused_exception_rate (exceptions on honest takes, which should have
committed; target ≤ 0.03), ident_fused_silently_wrong (target 0), ident_fused_sessions,
ident_fused_camera_abstained_share (slot readings where the camera said nothing).
BENCH_VISION_FUSED_SESSIONS (default 600) over BENCH_IDENT_FIELD_SEEDS' first seeds.
"""

from __future__ import annotations

import os
from collections import Counter

from tests.bench.ident_world.camera import WorldCamera
from tests.bench.ident_world.runner import run as run_world
from vision.detector import MODEL_DIR, Detector

SESSIONS = int(os.environ.get("BENCH_VISION_FUSED_SESSIONS", "600"))
SEEDS = tuple(
    int(s) for s in os.environ.get("BENCH_IDENT_FIELD_SEEDS", "151,1515,15151").split(",")
)
CAMERA_SEED = 4242  # the images' own stream: never a training seed


class _Counting(WorldCamera):
    statuses: Counter

    def __call__(self, cabinet, session):
        readings = super().__call__(cabinet, session)
        self.statuses.update(r.status for r in readings.values())
        return readings


def run() -> dict[str, float]:
    camera = _Counting(Detector(MODEL_DIR, threads=1), CAMERA_SEED)
    camera.statuses = Counter()
    tally = run_world(SESSIONS, SEEDS, camera)
    honest_exceptions = sum(n for key, n in tally.by_kind.items() if key == ("take", "exception"))
    readings = sum(camera.statuses.values()) or 1
    print(f"  camera readings by status: {dict(camera.statuses.most_common())}")
    print(f"  exceptions by reason: {dict(tally.reasons.most_common())}")
    print(f"  outcomes by kind: {dict(sorted(tally.by_kind.items()))}")
    for example in tally.wrong_examples:
        print(f"  wrong: {example}")
    return {
        "ident_fused_sessions": tally.sessions,
        "ident_fused_right_rate": round(tally.right / max(tally.sessions, 1), 5),
        "ident_fused_exception_rate": round(honest_exceptions / max(tally.sessions, 1), 5),
        "ident_fused_all_exceptions_rate": round(tally.exceptions / max(tally.sessions, 1), 5),
        "ident_fused_silently_wrong": tally.wrong,
        "ident_fused_engine_errors": tally.errors,
        "ident_fused_camera_abstained_share": round(
            1 - camera.statuses["identified"] / readings, 4
        ),
    }
