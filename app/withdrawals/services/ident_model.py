"""The shapes identification works on (pure data, no rules): what is on a scale, what the
scale reported for one door session, and what each source and the fusion concluded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.withdrawals.services.scale_model import ScaleModel

MAX_PER_VISIT = 10  # the tenant's default limit of units of one SKU per visit
TOLERANCE_SIGMAS = 3.0  # an item's weight tolerance is read as ± 3 σ


@dataclass(frozen=True)
class SkuOnScale:
    sku: str
    unit_g: float
    tolerance_g: float = 0.0
    on_scale: int = 12  # units there before the session (a withdrawal cannot exceed it)
    rfid: bool = False  # tagged: RFID counts its units, weight need not tell them apart

    @property
    def sigma_g(self) -> float:
        return self.tolerance_g / TOLERANCE_SIGMAS


@dataclass(frozen=True)
class ScaleReading:
    slot: str
    before_g: float  # baseline: the last idle reading before the door opened
    after_g: float  # the door-closed reading
    stable: bool
    skus: tuple[SkuOnScale, ...]
    model: ScaleModel = field(default_factory=ScaleModel)
    elapsed_s: float = 60.0  # between the baseline and the door-closed reading
    after_series_g: tuple[float, ...] = ()  # door-closed readings, oldest first (protocol v1.1)
    max_per_visit: int = MAX_PER_VISIT


@dataclass(frozen=True)
class Candidate:
    counts: Mapping[str, int]  # units taken (negative: put in)
    z: float


@dataclass(frozen=True)
class Reading:
    """What one source says was taken: units per SKU, or why it cannot say."""

    source: str  # weight | rfid | vision
    counts: Mapping[str, int]
    status: str = (
        "identified"  # identified | by_rfid | ambiguous | unexplained | unstable | no_data
    )
    candidates: tuple[Candidate, ...] = ()
    skus: tuple[str, ...] = ()  # the SKUs this source could see (a scale's planogram)
    scale: ScaleReading | None = None  # weight only: the readings, to search again given RFID
    restock: bool = False  # weight only: searched as a restock (units only put in)


@dataclass(frozen=True)
class Verdict:
    status: str  # committed | exception
    counts: Mapping[str, int] = field(default_factory=dict)
    reason: str | None = None  # why an exception: the first source that could not agree
    readings: tuple[Reading, ...] = ()
