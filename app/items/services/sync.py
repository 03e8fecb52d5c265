"""The catalogue kept in step by an integration (ERP) through the API: an item upserted by its
SKU, its type and tags named by name (created when new). The console's rules check the fields
(app/items/services/console.py `save_item`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from app.audit.services.records import Actor, record_created
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.core.text import refuse_unsafe
from app.items.models import Item, ItemType, Tag
from app.items.services.console import ItemFields, save_item


@dataclass(frozen=True)
class ItemSpec:
    name: str
    unit_weight_g: float
    unit: str = "个"
    weight_tolerance_g: float = 0.0
    unit_cost_cents: int = 0
    type: str | None = None
    tags: tuple[str, ...] = ()
    requires_approval: bool = False
    is_active: bool = True


def _named(
    session: Session, model: Any, tenant_id: int, name: str, field: str, limit: int, actor: Actor
) -> Any:
    name = (name or "").strip()
    if not name or len(name) > limit:
        raise ValidationError(field=field)
    refuse_unsafe(name, field)
    row = session.exec(
        select(model).where(model.tenant_id == tenant_id, model.name == name)
    ).first()
    if row is None:
        row = model(tenant_id=tenant_id, name=name)
        session.add(row)
        session.flush()
        record_created(session, row, actor=actor)
    return row


def upsert_item(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    sku: str,
    spec: ItemSpec,
    actor: Actor,
) -> tuple[Item, bool]:
    """The item with this SKU, created or brought in line; True if created."""
    scope.require(tenant_id)
    sku = (sku or "").strip()
    refuse_unsafe(sku, "sku")
    kind = _named(session, ItemType, tenant_id, spec.type, "type", 60, actor) if spec.type else None
    tags = tuple(_named(session, Tag, tenant_id, t, "tags", 40, actor).id for t in spec.tags)
    found = session.exec(select(Item).where(Item.tenant_id == tenant_id, Item.sku == sku)).first()
    fields = ItemFields(
        sku=sku,
        name=spec.name,
        type_id=kind.id if kind else None,
        unit=spec.unit,
        unit_weight_g=spec.unit_weight_g,
        weight_tolerance_g=spec.weight_tolerance_g,
        unit_cost_cents=spec.unit_cost_cents,
        requires_approval=spec.requires_approval,
        is_active=spec.is_active,
        tag_ids=tags,
        vision_class=found.vision_class if found else None,
    )
    item = save_item(
        session=session, scope=scope, tenant_id=tenant_id, item_id=found.id if found else None,
        fields=fields, actor=actor,
    )  # fmt: skip
    return item, found is None
