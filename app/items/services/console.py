"""The supply catalogue as the console keeps it: items listed by type, tag and name (keyset
pages), created and edited field by field (SKU unique in the tenant, weights and cost sane),
their tags, a picture, and the unit weight calibrated from what a slot's scale last reported."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, delete, select

from app.audit.services.records import Actor, record_created, update_scoped
from app.cabinets.models import Slot
from app.cabinets.services.layout import LAYOUT_FIELDS, item_layout_changed
from app.core.errors import ValidationError
from app.core.model_base import pk
from app.core.paging import count_of
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.core.text import refuse_unsafe
from app.inventory.models import PlanogramEntry
from app.items.models import Item, ItemTag, ItemType, Tag
from app.withdrawals.models import DoorSession
from vision.detector import MODEL_DIR, ModelCard, model_available

PAGE_SIZE = 50
MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"RIFF": "webp"}


@dataclass(frozen=True)
class ItemRow:
    id: int
    sku: str
    name: str
    type_id: int | None
    type: str
    tags: list[str]
    tag_ids: list[int]
    unit: str
    unit_weight_g: float
    weight_tolerance_g: float
    unit_cost_cents: int
    requires_approval: bool
    is_active: bool
    image_path: str | None
    vision_class: str | None = None  # the shelf detector's class it looks like


@dataclass(frozen=True)
class ItemPage:
    rows: list[ItemRow]
    next_after_id: int | None
    total: int = 0


def list_items(
    *,
    session: Session,
    scope: TenantScope,
    type_id: int | None = None,
    tag_id: int | None = None,
    search: str = "",
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> ItemPage:
    statement = (
        select(Item, ItemType.name)
        .join(ItemType, col(ItemType.id) == Item.type_id, isouter=True)
        .where(scope_filter(Item, scope))
    )
    if type_id:
        statement = statement.where(Item.type_id == type_id)
    if tag_id:
        statement = statement.where(
            col(Item.id).in_(select(ItemTag.item_id).where(ItemTag.tag_id == tag_id))
        )
    search = search.strip()[:40]
    if search:
        statement = statement.where(
            or_(col(Item.name).ilike(f"%{search}%"), col(Item.sku).ilike(f"%{search}%"))
        )
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(Item.id) > after_id)
    found = session.exec(statement.order_by(col(Item.id)).limit(limit + 1)).all()
    page = found[:limit]
    tags: dict[int, list[tuple[int, str]]] = {}
    for item_id, tag_id, name in session.exec(
        select(ItemTag.item_id, Tag.id, Tag.name)
        .join(Tag, col(Tag.id) == ItemTag.tag_id)
        .where(col(ItemTag.item_id).in_([i.id for i, _ in page]))
        .order_by(Tag.name)
    ):
        if tag_id is not None:  # joined: always
            tags.setdefault(item_id, []).append((tag_id, name))
    rows = [
        ItemRow(
            pk(i),
            i.sku,
            i.name,
            i.type_id,
            type_name or "",
            [name for _, name in tags.get(pk(i), [])],
            [tag_id for tag_id, _ in tags.get(pk(i), [])],
            i.unit,
            i.unit_weight_g,
            i.weight_tolerance_g,
            i.unit_cost_cents,
            i.requires_approval,
            i.is_active,
            i.image_path,
            i.vision_class,
        )
        for i, type_name in page
    ]
    return ItemPage(rows, rows[-1].id if len(found) > limit else None, total)


@dataclass(frozen=True)
class ItemFields:
    sku: str
    name: str
    type_id: int | None
    unit: str
    unit_weight_g: float
    weight_tolerance_g: float
    unit_cost_cents: int
    requires_approval: bool
    is_active: bool
    tag_ids: tuple[int, ...] = ()
    vision_class: str | None = None  # one of the installed detector's classes, or none


def _checked(
    session: Session, tenant_id: int, fields: ItemFields, item_id: int | None
) -> dict[str, Any]:
    sku, name, unit = fields.sku.strip(), fields.name.strip(), fields.unit.strip() or "个"
    if not sku or len(sku) > 40:
        raise ValidationError(field="sku")
    # Before any query: PostgreSQL refuses a NUL even in a WHERE clause.
    refuse_unsafe(sku, "sku")
    refuse_unsafe(name, "item")
    refuse_unsafe(unit, "unit")
    taken = session.exec(
        select(Item.id).where(Item.tenant_id == tenant_id, Item.sku == sku)
    ).first()
    if taken is not None and taken != item_id:
        raise ValidationError("items.sku_taken", field="sku")
    if not name or len(name) > 120:
        raise ValidationError(field="name")
    if len(unit) > 8:
        raise ValidationError(field="unit")
    if fields.type_id is not None:
        kind = session.get(ItemType, fields.type_id)
        if kind is None or kind.tenant_id != tenant_id:
            raise ValidationError(field="type")
    if not 0 < fields.unit_weight_g <= 50_000:
        raise ValidationError(field="unit_weight_g")
    if not 0 <= fields.weight_tolerance_g < fields.unit_weight_g / 2:
        raise ValidationError(field="weight_tolerance_g")  # half a unit: counts would blur
    if not 0 <= fields.unit_cost_cents <= 100_000_000:
        raise ValidationError(field="unit_cost_cents")
    if fields.vision_class and fields.vision_class not in item_classes():
        raise ValidationError(field="vision_class")
    return {
        "sku": sku,
        "name": name,
        "type_id": fields.type_id,
        "unit": unit,
        "unit_weight_g": round(fields.unit_weight_g, 2),
        "weight_tolerance_g": round(fields.weight_tolerance_g, 2),
        "unit_cost_cents": fields.unit_cost_cents,
        "requires_approval": fields.requires_approval,
        "is_active": fields.is_active,
        "vision_class": fields.vision_class or None,
    }


def item_classes() -> list[str]:
    """What an item may look like to the installed shelf detector (its classes but `foreign`);
    none without a model."""
    if not model_available():
        return []
    return [name for name in ModelCard.read(MODEL_DIR).classes if name != "foreign"]


def _check_tags(session: Session, tenant_id: int, tag_ids: tuple[int, ...]) -> set[int]:
    wanted = set(tag_ids)
    if wanted:
        owned = set(
            session.exec(
                select(Tag.id).where(Tag.tenant_id == tenant_id, col(Tag.id).in_(sorted(wanted)))
            )
        )
        if owned != wanted:
            raise ValidationError(field="tags")
    return wanted


def _set_tags(session: Session, tenant_id: int, item_id: int, wanted: set[int]) -> None:
    session.exec(delete(ItemTag).where(col(ItemTag.item_id) == item_id))
    session.add_all(ItemTag(tenant_id=tenant_id, item_id=item_id, tag_id=t) for t in wanted)
    session.flush()


def save_item(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    item_id: int | None,
    fields: ItemFields,
    actor: Actor,
) -> Item:
    """Create (no `item_id`) or edit an item, with its tags; audited. Everything is checked
    before anything is written."""
    if item_id is None:
        if not scope.allows(tenant_id):
            raise ValidationError(field="tenant")
    else:
        tenant_id = get_scoped_or_raise(session, Item, item_id, scope).tenant_id
    values = _checked(session, tenant_id, fields, item_id)
    tags = _check_tags(session, tenant_id, fields.tag_ids)
    if item_id is None:
        item = Item(tenant_id=tenant_id, **values)
        session.add(item)
        session.flush()
        record_created(session, item, actor=actor)
    else:
        before = get_scoped_or_raise(session, Item, item_id, scope)
        told = {k: getattr(before, k) for k in LAYOUT_FIELDS}
        item = update_scoped(session, Item, item_id, scope, values, actor=actor)
        if told != {k: getattr(item, k) for k in LAYOUT_FIELDS}:  # what cmd.config tells
            item_layout_changed(session=session, item_id=pk(item), actor=actor)
    _set_tags(session, tenant_id, pk(item), tags)
    return item


def set_image(
    *,
    session: Session,
    scope: TenantScope,
    item_id: int,
    data: bytes,
    upload_dir: Path,
    actor: Actor,
) -> str:
    """Store a PNG, JPEG or WebP picture of the item (≤ 2 MiB, checked by its bytes, not its
    name) under the upload dir; the item keeps its path relative to it."""
    item = get_scoped_or_raise(session, Item, item_id, scope)
    if not data or len(data) > MAX_IMAGE_BYTES:
        raise ValidationError("items.image_size", field="image")
    kind = next((k for magic, k in IMAGE_KINDS.items() if data.startswith(magic)), None)
    if kind is None or (kind == "webp" and data[8:12] != b"WEBP"):
        raise ValidationError("items.image_kind", field="image")
    digest = hashlib.sha256(data).hexdigest()[:16]
    relative = f"items/{item.tenant_id}/{item.id}-{digest}.{kind}"
    target = upload_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    update_scoped(session, Item, item_id, scope, {"image_path": relative}, actor=actor)
    return relative


@dataclass(frozen=True)
class SlotReading:
    slot_id: int
    slot: str
    cabinet_id: int
    grams: float | None  # what the scale reported at the last door close (None: never)
    at: datetime | None


def slot_readings(*, session: Session, scope: TenantScope, item_id: int) -> list[SlotReading]:
    """The slots planned with this item and each scale's latest reported weight."""
    item = get_scoped_or_raise(session, Item, item_id, scope)
    planned = session.exec(
        select(Slot)
        .join(PlanogramEntry, col(PlanogramEntry.slot_id) == Slot.id)
        .where(PlanogramEntry.item_id == item.id)
        .order_by(col(Slot.cabinet_id), Slot.code)
    ).all()
    readings = []
    for slot in planned:
        door = session.exec(
            select(DoorSession)
            .where(
                DoorSession.cabinet_id == slot.cabinet_id,
                col(DoorSession.readings_after).is_not(None),
                col(DoorSession.closed_at).is_not(None),
            )
            .order_by(col(DoorSession.closed_at).desc())
            .limit(1)
        ).first()
        reading = (door.readings_after or {}).get(slot.code) if door else None
        grams = reading["after_mg"] / 1000 if isinstance(reading, dict) else None
        readings.append(
            SlotReading(
                pk(slot), slot.code, slot.cabinet_id, grams, door.closed_at if door else None
            )
        )
    return readings


def calibrate(
    *, session: Session, scope: TenantScope, item_id: int, slot_id: int, count: int, actor: Actor
) -> float:
    """Unit weight = the slot's latest reading ÷ the units on it (the scale tared when empty)."""
    if not 1 <= count <= 10_000:
        raise ValidationError(field="count")
    reading = next(
        (
            r
            for r in slot_readings(session=session, scope=scope, item_id=item_id)
            if r.slot_id == slot_id
        ),
        None,
    )
    if reading is None or not reading.grams or reading.grams <= 0:
        raise ValidationError("items.no_reading", field="slot")
    unit = round(reading.grams / count, 2)
    item = get_scoped_or_raise(session, Item, item_id, scope)
    changes = {"unit_weight_g": unit}
    if item.weight_tolerance_g >= unit / 2:
        changes["weight_tolerance_g"] = round(unit * 0.05, 2)
    update_scoped(session, Item, item_id, scope, changes, actor=actor)
    return unit
