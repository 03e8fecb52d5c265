"""What a closed door session took, read off the cabinet's own messages: each scale's change
against what is planned and stocked on it, and — when the cabinet reads RFID — the tags that
left or arrived, checked against the scales for weighed tagged items and counted alone for
items in RFID-only zones. Pure rules in app/withdrawals/services/identify.py; this side loads the
cabinet's planogram and stock."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col

from app.cabinets.models import Cabinet, Slot, SlotKind
from app.cabinets.services.scale_stats import fold_series, model_of
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.inventory.models import PlanogramEntry, Stock
from app.inventory.services.inventory import locked_stock_of
from app.items.models import Item
from app.tenants.services.policies import WholeNumber, whole_number
from app.withdrawals.services.ident_vision import SlotSnapshot, by_vision
from app.withdrawals.services.identify import (
    Reading,
    ScaleReading,
    SkuOnScale,
    Verdict,
    by_rfid,
    by_weight,
    fuse,
)
from app.withdrawals.services.prefetch import plan_of

Taken = list[tuple[Slot, Item, int]]  # units of each item taken from each slot
MAX_PER_VISIT = 10  # units of one SKU a person takes in one visit, unless the tenant says
MAX_PER_VISIT_LIMIT = 100
PER_VISIT = WholeNumber("max_per_visit", MAX_PER_VISIT, 1, MAX_PER_VISIT_LIMIT)
DEFAULT_ELAPSED_S = 60.0  # a v1 cabinet does not say when its baseline was read


@dataclass(frozen=True)
class _SlotStock:
    slot: Slot
    items: dict[int, Item]
    stock: dict[int, int]


def _load_slots(
    session: Session, cabinet: Cabinet
) -> tuple[list[Slot], list[PlanogramEntry], dict[int, Item], dict[tuple[int, int], int]]:
    """The cabinet's slots, planogram, items and stock: from the running batch
    (services/prefetch.py) when it loaded them, else in one query each."""
    plan, locked = plan_of(session, cabinet), locked_stock_of(session, pk(cabinet))
    if plan is not None and locked is not None:
        stock = {key: s.quantity for key, s in locked.items()}
        return plan.slots, plan.entries, plan.items, stock
    scope = TenantScope.single(cabinet.tenant_id)
    slots = session.exec(scoped_select(Slot, scope).where(Slot.cabinet_id == cabinet.id)).all()
    entries = session.exec(
        scoped_select(PlanogramEntry, scope).where(PlanogramEntry.cabinet_id == cabinet.id)
    ).all()
    items = {
        pk(i): i
        for i in session.exec(
            scoped_select(Item, scope).where(col(Item.id).in_({e.item_id for e in entries}))
        )
    }
    stock = {
        (s.slot_id, s.item_id): s.quantity
        for s in session.exec(scoped_select(Stock, scope).where(Stock.cabinet_id == cabinet.id))
    }
    return list(slots), list(entries), items, stock


def _slots(session: Session, cabinet: Cabinet) -> dict[str, _SlotStock]:
    slots, entries, items, stock = _load_slots(session, cabinet)
    out = {}
    for slot in slots:
        mine = {e.item_id: items[e.item_id] for e in entries if e.slot_id == slot.id}
        out[slot.code] = _SlotStock(slot, mine, {i: stock.get((pk(slot), i), 0) for i in mine})
    return out


def sku_of_tags(tags: set[str], tagged: list[Item]) -> dict[str, str]:
    """Each tag's item (as the SKU key identification uses), by the longest EPC prefix that
    matches; a tag no prefix matches is left out (and cannot be counted)."""
    prefixes = sorted(
        ((i.epc_prefix.upper(), str(i.id)) for i in tagged if i.epc_prefix),
        key=lambda pair: -len(pair[0]),
    )
    out = {}
    for tag in tags:
        match = next((sku for prefix, sku in prefixes if tag.startswith(prefix)), None)
        if match is not None:
            out[tag] = match
    return out


@dataclass(frozen=True)
class _RfidView:
    reading: Reading
    weighed: set[str]  # tagged SKUs on scales: RFID must agree with the scales on them
    zoned: dict[str, _SlotStock]  # tagged SKUs only in RFID zones: RFID alone counts them


def _rfid_view(
    slots: dict[str, _SlotStock], before: list[str] | None, after: list[str] | None
) -> _RfidView | None:
    tagged: dict[str, tuple[Item, _SlotStock]] = {}
    weighed: set[str] = set()
    for known in slots.values():
        for item in known.items.values():
            if not (item.rfid_tagged and item.epc_prefix):
                continue
            sku = str(item.id)
            if known.slot.kind == SlotKind.scale.value:
                weighed.add(sku)
            tagged.setdefault(sku, (item, known))
    if not tagged or before is None or after is None:
        return None
    changed = set(before) ^ set(after)
    reading = by_rfid(before, after, sku_of_tags(changed, [i for i, _ in tagged.values()]))
    zoned = {
        sku: known
        for sku, (_, known) in tagged.items()
        if sku not in weighed and known.slot.kind == SlotKind.rfid.value
    }
    return _RfidView(reading, weighed, zoned)


def _camera_readings(
    slots: dict[str, _SlotStock], seen: Mapping[str, tuple[SlotSnapshot, SlotSnapshot]]
) -> dict[str, Reading]:
    """The camera's reading per slot, its detector classes turned into the slot's items. A
    slot holding an item the detector has no class for, or two items of one class, cannot be
    counted by the camera: it abstains there."""
    out = {}
    for code, (before, after) in seen.items():
        known = slots.get(code)
        if known is None or not known.items:
            continue
        classes = [item.vision_class for item in known.items.values()]
        if None in classes or len(set(classes)) < len(classes):
            out[code] = Reading("vision", {}, "ambiguous")
            continue
        key = {item.vision_class: str(i) for i, item in known.items.items()}

        def named(shot: SlotSnapshot, key: dict[str | None, str] = key) -> SlotSnapshot:
            return SlotSnapshot({key.get(n, n): c for n, c in shot.counts.items()}, shot.sure)

        stock = {str(i): n for i, n in known.stock.items()}
        out[code] = by_vision(named(before), named(after), stock)
    return out


def max_per_visit(session: Session, tenant_id: int) -> int:
    """The tenant's per-SKU limit per visit (settings "max_per_visit"), else the default."""
    return whole_number(session, tenant_id, PER_VISIT)


def scale_reading(
    known: _SlotStock, reading: dict[str, Any], closed_at_ms: int | None, per_visit: int
) -> ScaleReading:
    """One scale's evidence with what identification needs to weigh it: the slot's own noise
    model, the time since its baseline, the door-closed series (protocol v1.1) and the limit."""
    skus = tuple(
        SkuOnScale(str(i), item.unit_weight_g, item.weight_tolerance_g, known.stock[i])
        for i, item in sorted(known.items.items())
    )
    elapsed_s = DEFAULT_ELAPSED_S
    baseline_at = reading.get("baseline_at")
    if baseline_at is not None and closed_at_ms is not None:
        elapsed_s = max((closed_at_ms - baseline_at) / 1000, 0.0)
    return ScaleReading(
        reading["slot"],
        reading["before_mg"] / 1000,
        reading["after_mg"] / 1000,
        reading["stable"],
        skus,
        model=model_of(known.slot),
        elapsed_s=elapsed_s,
        after_series_g=tuple(mg / 1000 for mg in reading.get("series_mg") or ()),
        max_per_visit=per_visit,
    )


def identify(
    session: Session,
    cabinet: Cabinet,
    readings: list[dict[str, Any]],
    *,
    restock: bool = False,
    rfid_before: list[str] | None = None,
    rfid_after: list[str] | None = None,
    closed_at_ms: int | None = None,
    learn_slots: Collection[str] | None = None,
    seen: Mapping[str, tuple[SlotSnapshot, SlotSnapshot]] | None = None,
) -> tuple[Verdict, Taken]:
    """What was taken (negative counts: put in, for a restock). `closed_at_ms`: the door-closed
    event's time, against which each reading's baseline time gives the elapsed time. Settled
    series teach their scale its σ (only those of `learn_slots` when given: a re-read's).
    `seen`: per slot, what the camera counted before and after
    (app/withdrawals/services/camera.py)."""
    slots = _slots(session, cabinet)
    per_visit = max_per_visit(session, cabinet.tenant_id)
    weighed, where = [], []
    for reading in readings:
        known = slots.get(reading["slot"])
        if known is None or not known.items:
            continue  # a scale with nothing planned on it: its change is evidence, not stock
        scale = scale_reading(known, reading, closed_at_ms, per_visit)
        weighed.append(by_weight(scale, restock=restock))
        where.append(known)
        learns = learn_slots is None or reading["slot"] in learn_slots
        if weighed[-1].status != "unstable" and closed_at_ms is not None and learns:
            fold_series(
                known.slot, scale.after_series_g, datetime.fromtimestamp(closed_at_ms / 1000, UTC)
            )
    rfid = _rfid_view(slots, rfid_before, rfid_after)
    checked = None
    if rfid is not None:  # the scales' tagged SKUs: RFID must say the same
        others = {sku: n for sku, n in rfid.reading.counts.items() if sku not in rfid.weighed}
        unplaced = set(others) - set(rfid.zoned)
        status = "unexplained" if unplaced else rfid.reading.status
        counts = {sku: n for sku, n in rfid.reading.counts.items() if sku in rfid.weighed}
        checked = replace(rfid.reading, counts=counts, status=status)
    vision = _camera_readings(slots, seen) if seen else None
    verdict = fuse(weighed, checked, rfid.weighed if rfid else set(), vision)
    settled = verdict.readings[: len(weighed)]  # the scales as fusion settled them
    taken = [
        (known.slot, known.items[int(sku)], n)
        for known, reading in zip(where, settled, strict=True)
        for sku, n in reading.counts.items()
        if n
    ]
    if rfid is not None and verdict.status == "committed":
        zoned = {sku: n for sku, n in rfid.reading.counts.items() if sku in rfid.zoned and n}
        taken += [(rfid.zoned[s].slot, rfid.zoned[s].items[int(s)], n) for s, n in zoned.items()]
        verdict = replace(verdict, counts={**verdict.counts, **zoned})
    return verdict, taken


def evidence(verdict: Verdict) -> dict[str, Any]:
    """What the door session keeps of its identification (the review queue shows it)."""
    return {
        "status": verdict.status,
        "reason": verdict.reason,
        "counts": dict(verdict.counts),
        "readings": [
            {
                "source": r.source,
                "status": r.status,
                "counts": dict(r.counts),
                "candidates": [{"counts": dict(c.counts), "z": c.z} for c in r.candidates],
            }
            for r in verdict.readings
        ],
    }
