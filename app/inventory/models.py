"""Planogram, derived stock and the append-only stock ledger.

`stock.quantity` is always the sum of `stock_movement.quantity_delta` for the same slot and
item; services update both in one transaction, and database triggers refuse UPDATE/DELETE
on movements (see the initial migration).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    partial_unique_index,
    timestamp,
)
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
    # Checked when the transaction commits (PostgreSQL): a job's door closes take their
    # withdrawals' ids from the sequence ahead and write everything in one flush, in which the
    # ORM, knowing no relationship between the two, may insert a movement before its withdrawal
    # (app/withdrawals/services/prefetch.py:reserve_withdrawal_id).
    withdrawal_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("withdrawal.id", ondelete="RESTRICT", deferrable=True, initially="DEFERRED"),
            index=True,
            nullable=True,
        ),
    )
    actor_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="RESTRICT"
    )
    reason: str | None = text_field(field="reason", default=None, max_length=255)
    created_at: datetime = timestamp()


class StocktakeStatus(StrEnum):
    counting = "counting"  # started: the counted quantities are being entered
    waiting = "waiting"  # submitted, its difference value above the tenant's threshold
    applied = "applied"  # the differences are adjustment movements in the ledger
    rejected = "rejected"  # the approver refused it: nothing written
    cancelled = "cancelled"  # abandoned before submitting


_OPEN_STOCKTAKE_SQL = "status IN ('counting', 'waiting')"


class Stocktake(TenantOwned, table=True):
    """One count of one cabinet (盘点), from start to its applied (or refused) differences."""

    __tablename__ = "stocktake"
    __table_args__ = (
        enum_check("status", StocktakeStatus),
        CheckConstraint("difference_cents >= 0", name="difference_non_negative"),
        # one open count per cabinet: two at once would adjust the same slots twice
        partial_unique_index("uq_stocktake_open_cabinet", "cabinet_id", where=_OPEN_STOCKTAKE_SQL),
        Index("ix_stocktake_tenant_id_started_at", "tenant_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cabinet_id: int = Field(foreign_key="cabinet.id", index=True, ondelete="RESTRICT")
    status: str = enum_field(StocktakeStatus, StocktakeStatus.counting)
    counted_by_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="RESTRICT"
    )
    counted_by_name: str = Field(default="", max_length=80)
    decided_by_account_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="RESTRICT"
    )
    decided_by_name: str | None = Field(default=None, max_length=80)
    note: str | None = text_field(field="note", default=None, max_length=200)
    difference_cents: int = 0  # Σ |counted − ledger| × unit cost, fixed when submitted
    started_at: datetime = timestamp()
    submitted_at: datetime | None = timestamp(nullable=True)
    decided_at: datetime | None = timestamp(nullable=True)


class StocktakeLine(TenantOwned, table=True):
    """One slot and item of a stocktake: what the ledger said, what the scale suggests, what was
    counted (None until entered)."""

    __tablename__ = "stocktake_line"
    __table_args__ = (
        UniqueConstraint("stocktake_id", "slot_id", "item_id"),
        CheckConstraint("ledger_qty >= 0", name="ledger_non_negative"),
        CheckConstraint("counted_qty IS NULL OR counted_qty >= 0", name="counted_non_negative"),
        CheckConstraint("unit_cost_cents >= 0", name="cost_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    stocktake_id: int = Field(foreign_key="stocktake.id", index=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", ondelete="RESTRICT")
    item_id: int = Field(foreign_key="item.id", ondelete="RESTRICT")
    ledger_qty: int = 0  # at the start; refreshed from the ledger when submitted
    suggested_qty: int | None = None  # from the scale's last reading, when it can say
    counted_qty: int | None = None
    unit_cost_cents: int = 0  # the item's cost when submitted (the value of a difference)
