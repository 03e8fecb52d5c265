"""The world's cabinets seen by their ceiling camera: for each door session, a before and an
after image of the cabinet's shelf drawn by vision/shelf.py from what physically lies on each
scale (the world's truth, not the engine's view: a swapped-in object or a foreign one lies there
as a foreign object, a moved unit lies on its new scale, a put-back unit is back) — one camera
per scale shelf, its field of view fitted to the shelf's stock — then the product's detector,
its counts and `by_vision` with the ledger's stock.

The camera's own draws come from their own random stream, so the world's sessions are the same
sessions the weight-only bench (bench_ident_field.py) scores."""

from __future__ import annotations

import math
import random

from app.withdrawals.services.ident_vision import SlotSnapshot, by_vision
from tests.bench.ident_world.sessions import Cabinet, ScaleLayout, Session
from vision.appearance import LOOKS
from vision.detector import Detector
from vision.regions import Region, count_slots
from vision.shelf import Scene, SlotContent, SlotRegion, render

WIDTH, HEIGHT = 640, 480
FILL = 0.6  # the share of a slot's floor its stock may cover (as in the training scenes)
WHOLE = SlotRegion("-", (0, 0, WIDTH, HEIGHT))

Stock = dict[str, dict[str, int]]  # slot -> sku -> units


def _mm_per_px(layout: ScaleLayout) -> float:
    """The scale's camera, one per scale shelf: its stock fits the frame (FILL of its floor)."""
    area = sum(
        LOOKS[s.sku].length_mm * LOOKS[s.sku].width_mm * n
        for s, n in zip(layout.supplies, layout.on_scale, strict=True)
    )
    longest = max(LOOKS[s.sku].length_mm for s in layout.supplies)
    return max(0.9, math.sqrt(area / (FILL * WIDTH * HEIGHT)), longest / (0.9 * HEIGHT))


def stock_before(cabinet: Cabinet) -> Stock:
    return {
        lay.slot: {s.sku: n for s, n in zip(lay.supplies, lay.on_scale, strict=True)}
        for lay in cabinet.scales
    }


def stock_after(cabinet: Cabinet, session: Session) -> tuple[Stock, str | None]:
    """What lies on each scale after the visit, and the slot a foreign object lies in."""
    after = stock_before(cabinet)
    for layout in cabinet.scales:
        for supply, n in zip(layout.supplies, session.taken.get(layout.slot, ()), strict=False):
            after[layout.slot][supply.sku] -= n
    foreign = None
    added = next(iter(session.added_g), None)
    if session.kind in ("foreign", "swap"):
        foreign = added if session.kind == "foreign" else session.swap_residual[0]
    elif session.kind == "putback":
        sku = next(s for s, n in session.truth.items() if n < 0)
        after[added][sku] = after[added].get(sku, 0) + 1
    elif session.kind == "moved":
        source = next(slot for slot, out in session.taken.items() if any(out))
        layout = next(lay for lay in cabinet.scales if lay.slot == source)
        index = next(i for i, n in enumerate(session.taken[source]) if n)
        sku = layout.supplies[index].sku
        after[added][sku] = after[added].get(sku, 0) + 1
    return after, foreign


def _scene(stock: dict[str, int], mm_per_px: float, foreign: bool) -> Scene:
    mix = tuple((sku, n) for sku, n in stock.items() if n)
    return Scene(WIDTH, HEIGHT, mm_per_px, (SlotContent(WHOLE, None, 0, mix),), foreign=foreign)


class WorldCamera:
    """Callable per session: the camera's `Reading` per slot (runner.Camera)."""

    def __init__(self, detector: Detector, seed: int) -> None:
        self.detector = detector
        self.rng = random.Random(seed)
        self.images = 0

    def _snapshot(self, scene: Scene) -> SlotSnapshot:
        image, _ = render(scene, self.rng)
        self.images += 1
        counted = count_slots(self.detector.detect(image), [Region.box("-", 0, 0, WIDTH, HEIGHT)])
        return SlotSnapshot(dict(counted["-"].counts), counted["-"].sure)

    def __call__(self, cabinet: Cabinet, session: Session) -> dict:
        before = stock_before(cabinet)
        after, foreign = stock_after(cabinet, session)
        readings = {}
        for layout in cabinet.scales:
            scale, slot = _mm_per_px(layout), layout.slot
            seen_before = self._snapshot(_scene(before[slot], scale, False))
            seen_after = self._snapshot(_scene(after[slot], scale, foreign == slot))
            readings[slot] = by_vision(seen_before, seen_after, stock=before[slot])
        return readings
