"""Cabinets as the console shows them: the fleet with live status (keyset pages, by status and
name or code), one cabinet's planned slots with their levels (min/par edited here, audited) and
the commands sent to it with their delivery state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.audit.services.records import Actor, record_created, update_scoped
from app.cabinets.models import (
    Cabinet,
    CabinetRefusal,
    CabinetStatus,
    DeviceCommand,
    Slot,
    SlotKind,
)
from app.cabinets.queries.refusals import refusals_of
from app.cabinets.services.layout import layout_changed
from app.cabinets.services.presence import presence_status
from app.cabinets.services.scale_stats import describe, model_of
from app.core.errors import ValidationError
from app.core.model_base import keyed, pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item
from app.withdrawals.services.identify import SkuOnScale, check_layout
from app.withdrawals.services.scale_model import DEFAULT_MODELS, ScaleModel

PAGE_SIZE = 50
STATUSES = ("all", "online", "offline", "open", "retired")  # "all": those not retired
MAX_LEVEL = 9999
RECENT_COMMANDS = 10


@dataclass(frozen=True)
class CabinetRow:
    id: int
    code: str
    name: str
    model: str
    online: bool
    door: str
    last_heartbeat_at: datetime | None
    low_slots: int
    lifecycle: str = "active"  # active / maintenance / retired (CabinetStatus)

    @property
    def status(self) -> str:
        """online, open (its door), offline or never (connected)."""
        return presence_status(
            online=self.online, door=self.door, last_heard_at=self.last_heartbeat_at
        )


@dataclass(frozen=True)
class CabinetPage:
    rows: list[CabinetRow]
    next_after_id: int | None
    total: int = 0  # rows the filters match, on every page


def list_cabinets(
    *,
    session: Session,
    scope: TenantScope,
    status: str = "all",
    search: str = "",
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> CabinetPage:
    if status not in STATUSES:
        raise ValidationError(field="status")
    low = (
        select(func.count())
        .select_from(PlanogramEntry)
        .join(
            Stock,
            (col(Stock.slot_id) == PlanogramEntry.slot_id)
            & (col(Stock.item_id) == PlanogramEntry.item_id),
            isouter=True,
        )
        .where(
            PlanogramEntry.cabinet_id == Cabinet.id,
            func.coalesce(Stock.quantity, 0) < PlanogramEntry.min_qty,
        )
        .scalar_subquery()
    )
    statement = select(Cabinet, low).where(scope_filter(Cabinet, scope))
    retired = CabinetStatus.retired.value
    if status == "retired":  # decommissioned ones, kept with their history
        statement = statement.where(Cabinet.status == retired)
    else:
        statement = statement.where(Cabinet.status != retired)
    if status == "online":
        statement = statement.where(Cabinet.is_online)
    elif status == "offline":
        statement = statement.where(col(Cabinet.is_online).is_(False))
    elif status == "open":
        statement = statement.where(Cabinet.door_state == "open")
    search = search.strip()[:40]
    if search:
        pattern = f"%{search}%"
        statement = statement.where(
            or_(col(Cabinet.name).ilike(pattern), col(Cabinet.code).ilike(pattern))
        )
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(Cabinet.id) > after_id)
    found = session.exec(statement.order_by(col(Cabinet.id)).limit(limit + 1)).all()
    rows = [_row(c, n) for c, n in found[:limit]]
    return CabinetPage(rows, rows[-1].id if len(found) > limit else None, total)


def _row(c: Cabinet, low: int) -> CabinetRow:
    return CabinetRow(
        pk(c),
        c.code,
        c.name,
        c.model,
        c.is_online,
        c.door_state,
        c.last_heartbeat_at,
        low,
        c.status,
    )


@dataclass(frozen=True)
class PlannedSlot:
    entry_id: int
    slot: str
    item_id: int
    item: str
    quantity: int
    min_qty: int
    par_qty: int


@dataclass(frozen=True)
class SentCommand:
    kind: str
    status: str
    attempts: int
    created_at: datetime
    error: str


@dataclass(frozen=True)
class CabinetDetail:
    cabinet: CabinetRow
    slots: list[PlannedSlot]
    items: list[tuple[int, str]]  # what its tenant may plan in a slot
    commands: list[SentCommand]
    has_credentials: bool
    secret_version: int
    scales: list[dict[str, Any]] = field(
        default_factory=list
    )  # each scale's noise model (scale_stats)
    empty_slots: list[tuple[int, str]] = field(default_factory=list)  # (id, code): nothing planned
    refusals: list[CabinetRefusal] = field(default_factory=list)  # per reason, newest first


def cabinet_detail(*, session: Session, scope: TenantScope, cabinet_id: int) -> CabinetDetail:
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    planned = session.exec(
        select(PlanogramEntry, Slot.code, Item.name, func.coalesce(Stock.quantity, 0))
        .join(Slot, col(Slot.id) == PlanogramEntry.slot_id)
        .join(Item, col(Item.id) == PlanogramEntry.item_id)
        .join(
            Stock,
            (col(Stock.slot_id) == PlanogramEntry.slot_id)
            & (col(Stock.item_id) == PlanogramEntry.item_id),
            isouter=True,
        )
        .where(PlanogramEntry.cabinet_id == cabinet.id)
        .order_by(Slot.code, col(PlanogramEntry.id))
    ).all()
    commands = session.exec(
        select(DeviceCommand)
        .where(DeviceCommand.cabinet_id == cabinet.id)
        .order_by(col(DeviceCommand.id).desc())
        .limit(RECENT_COMMANDS)
    ).all()
    slots = [
        PlannedSlot(pk(e), code, e.item_id, item, q, e.min_qty, e.par_qty)
        for e, code, item, q in planned
    ]
    low = sum(1 for s in slots if s.quantity < s.min_qty)
    return CabinetDetail(
        cabinet=_row(cabinet, low),
        slots=slots,
        commands=[
            SentCommand(c.kind, c.status, c.attempts, c.created_at, _why(c.result))
            for c in commands
        ],
        items=[
            (i, f"{name} ({sku})")
            for i, name, sku in session.exec(
                select(Item.id, Item.name, Item.sku)
                .where(Item.tenant_id == cabinet.tenant_id, Item.is_active)
                .order_by(Item.name)
            )
            if i is not None
        ],
        has_credentials=cabinet.secret_ciphertext is not None,
        secret_version=cabinet.secret_version,
        refusals=refusals_of(session=session, scope=scope, cabinet_id=pk(cabinet)),
        scales=_scales(session, pk(cabinet)),
        empty_slots=_empty_slots(session, cabinet),
    )


def _empty_slots(session: Session, cabinet: Cabinet) -> list[tuple[int, str]]:
    """The cabinet's slots with nothing planned in them (a new cabinet's, at first: all)."""
    planned = select(PlanogramEntry.slot_id).where(PlanogramEntry.cabinet_id == cabinet.id)
    return keyed(
        session.exec(
            select(Slot.id, Slot.code)
            .where(Slot.cabinet_id == cabinet.id, col(Slot.id).not_in(planned))
            .order_by(col(Slot.row_no), col(Slot.col_no))
        )
    )


def _on_scale(items: list[Item]) -> list[SkuOnScale]:
    return [
        SkuOnScale(i.sku, i.unit_weight_g, i.weight_tolerance_g, rfid=i.rfid_tagged) for i in items
    ]


def _scales(session: Session, cabinet_id: int) -> list[dict[str, Any]]:
    """Each scale's noise model and what its items collide in (two queries for the cabinet)."""
    slots = session.exec(select(Slot).where(Slot.cabinet_id == cabinet_id).order_by(Slot.code))
    items_of: dict[int, list[Item]] = {}
    for slot_id, item in session.exec(
        select(PlanogramEntry.slot_id, Item)
        .join(Item, col(Item.id) == PlanogramEntry.item_id)
        .where(PlanogramEntry.cabinet_id == cabinet_id)
        .order_by(col(PlanogramEntry.id))
    ):
        items_of.setdefault(slot_id, []).append(item)
    return [
        scale | _second_signal_takes(items_of.get(scale["slot_id"], []), scale)
        for scale in describe(slots)
    ]


def _second_signal_takes(items: list[Item], scale: dict[str, Any]) -> dict[str, Any]:
    """The takes this scale's current items collide in (named for the page), with the share
    of small takes that need RFID, the camera or a person."""
    if not items:
        return {"collisions": "", "colliding_share": 0.0}
    check = check_layout(_on_scale(items), scale["model"])
    names = {i.sku: i.name for i in items}
    shown = "; ".join(takes_text(a, b, names) for a, b in check.collisions[:3])
    return {"collisions": shown, "colliding_share": check.colliding_share}


def _why(result: dict[str, Any] | None) -> str:
    """What a failed or expired command's result says (the cabinet's code and detail)."""
    if not result:
        return ""
    return " ".join(str(result[k]) for k in ("reason", "code", "detail") if result.get(k))[:120]


def set_levels(
    *,
    session: Session,
    scope: TenantScope,
    entry_id: int,
    min_qty: int,
    par_qty: int,
    actor: Actor,
) -> PlanogramEntry:
    """A slot's minimum (below it: low-stock alert and a replenishment order) and par level (what
    a restock brings it back to)."""
    if not 0 <= min_qty <= MAX_LEVEL:
        raise ValidationError(field="min_qty")
    if not 1 <= par_qty <= MAX_LEVEL or par_qty < min_qty:
        raise ValidationError(field="par_qty")
    return update_scoped(
        session,
        PlanogramEntry,
        entry_id,
        scope,
        {"min_qty": min_qty, "par_qty": par_qty},
        actor=actor,
    )


LEARNED_RESET = {  # what a scale learned of itself no longer holds behind another indicator
    "noise_sigma_g": None,
    "noise_samples": 0,
    "noise_dof": 0,
    "drift_g_per_min": None,
    "drift_minutes": 0.0,
    "idle_mean_mg": None,
    "idle_at": None,
}


def set_scale_indicator(
    *, session: Session, scope: TenantScope, slot_id: int, indicator: str, actor: Actor
) -> Slot:
    """The indicator model a scale slot is wired to: its defaults apply until the scale has
    learned its own figures again (what it learned behind the old one is forgotten)."""
    if indicator not in DEFAULT_MODELS:
        raise ValidationError(field="indicator")
    slot = get_scoped_or_raise(session, Slot, slot_id, scope)
    if slot.kind != SlotKind.scale.value:
        raise ValidationError("cabinets.not_a_scale", field="indicator", slot=slot.code)
    if slot.indicator == indicator:
        return slot
    changes = {"indicator": indicator, **LEARNED_RESET}
    return update_scoped(session, Slot, slot_id, scope, changes, actor=actor)


def set_slot_item(
    *, session: Session, scope: TenantScope, entry_id: int, item_id: int, actor: Actor
) -> PlanogramEntry:
    """Plan another item in a slot. Only an empty slot changes item (stock of the old item in
    it would no longer match the ledger), and the items sharing the slot's scale must stay
    tellable apart by weight (the same check as at identification)."""
    entry = get_scoped_or_raise(session, PlanogramEntry, entry_id, scope)
    item = session.get(Item, item_id)
    if item is None or item.tenant_id != entry.tenant_id or not item.is_active:
        raise ValidationError(field="item")
    if item.id == entry.item_id:
        return entry
    stock = session.exec(
        select(Stock.quantity).where(Stock.slot_id == entry.slot_id, Stock.item_id == entry.item_id)
    ).first()
    if stock:
        raise ValidationError("cabinets.slot_not_empty", field="item", quantity=stock)
    _check_beside_others(session, session.get_one(Slot, entry.slot_id), item, entry.id)
    changed = update_scoped(
        session, PlanogramEntry, entry_id, scope, {"item_id": item.id}, actor=actor
    )
    layout_changed(session=session, cabinet=session.get_one(Cabinet, entry.cabinet_id), actor=actor)
    return changed


def plan_item(
    *, session: Session, scope: TenantScope, slot_id: int, item_id: int, actor: Actor
) -> PlanogramEntry:
    """Plan an item in a slot of a cabinet (a new cabinet's empty slots, or another item on a
    scale that can still tell them apart); the cabinet is sent its new layout."""
    slot = get_scoped_or_raise(session, Slot, slot_id, scope)
    item = session.get(Item, item_id)
    if item is None or item.tenant_id != slot.tenant_id or not item.is_active:
        raise ValidationError(field="item")
    _check_beside_others(session, slot, item, None)
    entry = PlanogramEntry(
        tenant_id=slot.tenant_id,
        cabinet_id=slot.cabinet_id,
        slot_id=pk(slot),
        item_id=pk(item),
        min_qty=0,
        par_qty=min(slot.capacity, MAX_LEVEL),
    )
    session.add(entry)
    session.flush()
    record_created(session, entry, actor=actor)
    layout_changed(session=session, cabinet=session.get_one(Cabinet, slot.cabinet_id), actor=actor)
    return entry


def _check_beside_others(session: Session, slot: Slot, item: Item, entry_id: int | None) -> None:
    """`item` may join the slot's other planned items (those of entries other than
    `entry_id`): not already there, and still tellable apart by the slot's scale."""
    others = session.exec(
        select(Item)
        .join(PlanogramEntry, col(PlanogramEntry.item_id) == Item.id)
        .where(PlanogramEntry.slot_id == slot.id, PlanogramEntry.id != (entry_id or 0))
    ).all()
    if any(o.id == item.id for o in others):
        raise ValidationError("cabinets.already_planned", field="item")
    _check_scale([*others, item], model_of(slot))


def takes_text(a: dict[str, int], b: dict[str, int], names: dict[str, str]) -> str:
    """Two takes a scale cannot tell apart, in words any locale reads: "3 × pen ≈ 1 × tape"."""

    def one(take: dict[str, int]) -> str:
        return " + ".join(f"{n} × {names.get(k, k)}" for k, n in sorted(take.items())) or "0"

    return f"{one(a)} ≈ {one(b)}"


def _check_scale(items: list[Item], model: ScaleModel) -> None:
    """Refuse items a scale cannot serve together (or one too light for it), judged with that
    scale's own model (learned, or its indicator's defaults), naming the takes its weight cannot
    tell apart."""
    names = {i.sku: i.name for i in items}
    check = check_layout(_on_scale(items), model)
    if not check.refused:
        return
    if check.reason == "unit_invisible":
        light = next(next(iter(b)) for a, b in check.collisions if not a)
        raise ValidationError("cabinets.unit_invisible", field="item", item=names[light])
    shown = "; ".join(takes_text(a, b, names) for a, b in check.collisions[:3])
    raise ValidationError("cabinets.not_separable", field="item", takes=shown)
