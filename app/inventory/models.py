"""Planogram, derived stock and the append-only stock ledger.

`stock.quantity` is always the sum of `stock_movement.quantity_delta` for the same slot and
item; services update both in one transaction, and database triggers refuse UPDATE/DELETE
on movements (see the initial migration).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, timestamp
from app.core.text import text_field


class PlanogramEntry(TenantOwned, table=True):
    """Which item lives in which slot, and the levels that trigger replenishment."""

    __tablename__ = "planogram_entry"
    __table_args__ = (
        UniqueConstraint("slot_id", "item_id"),
        CheckConstraint("min_qty >= 0", name="min_non_negative"),
        CheckConstraint("par_qty >= min_qty", name="par_at_least_min"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", index=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", index=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="RESTRICT")
    min_qty: int = 0
    par_qty: int = 0


class Stock(TenantOwned, table=True):
    """Current quantity per slot and item, derived from the ledger."""

    __tablename__ = "stock"
    __table_args__ = (
        UniqueConstraint("slot_id", "item_id"),
        Index("ix_stock_tenant_id_cabinet_id", "tenant_id", "cabinet_id"),
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE")
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="RESTRICT")
    quantity: int = 0
    updated_at: datetime = timestamp()


class MovementKind(StrEnum):
    withdrawal = "withdrawal"
    restock = "restock"
    adjustment = "adjustment"  # stock count / initial load
    correction = "correction"  # 多退少补 after a review


class StockMovement(TenantOwned, table=True):
    __tablename__ = "stock_movement"
    __table_args__ = (
        enum_check("kind", MovementKind),
        CheckConstraint("quantity_delta <> 0", name="delta_non_zero"),
        CheckConstraint("kind <> 'withdrawal' OR quantity_delta < 0", name="withdrawal_takes"),
        CheckConstraint("kind <> 'restock' OR quantity_delta > 0", name="restock_adds"),
        CheckConstraint("balance_after >= 0", name="balance_non_negative"),
        CheckConstraint("kind <> 'correction' OR reason IS NOT NULL", name="correction_has_reason"),
        Index("ix_stock_movement_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_stock_movement_slot_id_item_id_id", "slot_id", "item_id", "id"),
        Index(
            "ix_stock_movement_tenant_id_cabinet_id_created_at",
            "tenant_id",
            "cabinet_id",
            "created_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", ondelete="RESTRICT")
    slot_id: int = Field(foreign_key="slot.id", ondelete="RESTRICT")
    item_id: int = Field(foreign_key="item.id", ondelete="RESTRICT")
    kind: str = enum_field(MovementKind)
    quantity_delta: int
    balance_after: int
    door_session_id: int | None = Field(
        default=None, foreign_key="door_session.id", index=True, ondelete="RESTRICT"
    )
    withdrawal_id: int | None = Field(
        default=None, foreign_key="withdrawal.id", index=True, ondelete="RESTRICT"
    )
    actor_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="RESTRICT"
    )
    reason: str | None = text_field(field="reason", default=None, max_length=255)
    created_at: datetime = timestamp()
