"""The camera as the third voter (pure rules, no database, no model): per slot, what the
before and after snapshots counted, turned into a `Reading` of units taken, and how it settles
or vetoes the weight's verdict on that slot's scale.

- A count is worth something only when both snapshots are sure of the slot (no doubtful box):
  otherwise the camera abstains (`ambiguous`) and weight and RFID decide as without it.
- A foreign object that appears, or a slot no snapshot covers, is `unexplained` / `no_data`.
- An ambiguous scale (the collisions the planogram check allowed) is settled when exactly the
  camera's counts explain the weight within the same Z_ACCEPT (`by_vision`).
- A scale that is sure and a camera that is sure must agree, else an exception (`swap`: the
  weight explained by some count, the camera seeing another — a similar-weight foreign object,
  an item moved between slots).
- The camera alone never commits a take the weight contradicts or cannot explain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.withdrawals.services.ident_model import Reading
from app.withdrawals.services.ident_weight import by_weight_given

FOREIGN = "foreign"


@dataclass(frozen=True)
class SlotSnapshot:
    """What one snapshot counted in one slot: instances per name (a SKU key or "foreign")."""

    counts: Mapping[str, int] = field(default_factory=dict)
    sure: bool = True


def by_vision(
    before: SlotSnapshot | None,
    after: SlotSnapshot | None,
    stock: Mapping[str, int] | None = None,
) -> Reading:
    """Units taken from the slot by the camera: before minus after, per name. With `stock`
    (what the ledger says lies in the slot before the visit), a camera that does not see all
    of it before the visit — units stacked out of sight — abstains: a top-down camera counts
    only what it sees, and a take from under the top layer would look like no take."""
    if before is None or after is None:
        return Reading("vision", {}, "no_data")
    if after.counts.get(FOREIGN, 0) > before.counts.get(FOREIGN, 0):
        return Reading("vision", {}, "unexplained")
    if not (before.sure and after.sure):
        return Reading("vision", {}, "ambiguous")
    if stock is not None and any(before.counts.get(s, 0) != n for s, n in stock.items()):
        return Reading("vision", {}, "ambiguous")
    names = (set(before.counts) | set(after.counts)) - {FOREIGN}
    taken = {n: before.counts.get(n, 0) - after.counts.get(n, 0) for n in sorted(names)}
    return Reading("vision", {n: k for n, k in taken.items() if k}, skus=tuple(sorted(names)))


def _nonzero(counts: Mapping[str, int]) -> dict[str, int]:
    return {name: n for name, n in counts.items() if n}


def agrees(weighed: Mapping[str, int], vision: Reading) -> bool:
    return _nonzero(weighed) == _nonzero(vision.counts)


def settle_by_vision(scale: Reading, vision: Reading) -> Mapping[str, int] | None:
    """An ambiguous scale's counts when the camera is sure and its counts alone explain the
    weight (every SKU on the scale fixed to the camera's count, nothing left to search)."""
    if vision.status != "identified" or scale.scale is None:
        return None
    on_scale = {s.sku for s in scale.scale.skus}
    if set(_nonzero(vision.counts)) - on_scale:
        return None  # the camera saw a change weight cannot book (not planned on this scale)
    known = {sku: vision.counts.get(sku, 0) for sku in on_scale}
    given = by_weight_given(scale.scale, known, scale.restock)
    if given.status != "identified" or not agrees(known, given):
        return None
    return _nonzero(known)


def veto(settled: Mapping[str, int], vision: Reading | None) -> str | None:
    """Why a scale's settled counts cannot be committed given the camera, or None."""
    if vision is None:
        return None
    if vision.status == "unexplained":
        return "vision_unexplained"
    if vision.status == "identified" and not agrees(settled, vision):
        return "vision_disagrees"
    return None
