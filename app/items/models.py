"""The supply catalogue of a tenant: item types, tags and items (SKUs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, timestamp
from app.core.text import line_field


class ItemType(TenantOwned, table=True):
    __tablename__ = "item_type"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(field="item_type", max_length=60)
    code: str | None = Field(default=None, max_length=32)


class Tag(TenantOwned, table=True):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = line_field(field="tag", max_length=40)


class Item(TenantOwned, table=True):
    """A SKU. Weights in grams, money in fen (cents) so sums stay exact."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("tenant_id", "sku"),
        UniqueConstraint("tenant_id", "epc_prefix"),
        CheckConstraint(
            "epc_prefix IS NULL OR (rfid_tagged AND length(epc_prefix) >= 4)",
            name="epc_prefix_of_tagged_item",
        ),
        Index("ix_item_tenant_id_type_id", "tenant_id", "type_id"),
        CheckConstraint("unit_weight_g > 0", name="unit_weight_positive"),
        CheckConstraint("weight_tolerance_g >= 0", name="tolerance_non_negative"),
        CheckConstraint("unit_cost_cents >= 0", name="cost_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str = line_field(field="sku", max_length=40)
    name: str = line_field(field="item", max_length=120)
    type_id: int | None = Field(default=None, foreign_key="item_type.id", ondelete="SET NULL")
    unit: str = line_field(field="unit", default="个", max_length=8)
    unit_weight_g: float
    weight_tolerance_g: float = 0.0
    unit_cost_cents: int = 0
    image_path: str | None = Field(default=None, max_length=255)
    rfid_tagged: bool = False
    # The shelf detector's class this item looks like (vision/model/card.json `classes`);
    # None: the camera does not count it.
    vision_class: str | None = Field(default=None, max_length=40)
    # Hex EPC prefix of this item's tags (an SGTIN's header, company prefix and item reference):
    # a tag gone from the cabinet counts as one unit of the item whose prefix is its longest match.
    epc_prefix: str | None = Field(default=None, max_length=32)
    requires_approval: bool = False
    is_active: bool = True
    created_at: datetime = timestamp()


class ItemTag(TenantOwned, table=True):
    __tablename__ = "item_tag"

    item_id: int = Field(foreign_key="item.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tag.id", primary_key=True, ondelete="CASCADE")
