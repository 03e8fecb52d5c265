"""The console's stock page: every planned slot and item with its quantity, minimum and par
level, filtered in SQL (cabinet, low only, item name or SKU), one keyset page at a time. A planned
slot with no stock row yet counts as empty — it is exactly the low one that matters."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet, Slot
from app.core.paging import count_of
from app.core.tenancy import TenantScope, scope_filter
from app.inventory.models import PlanogramEntry, Stock
from app.items.models import Item

PAGE_SIZE = 50


@dataclass(frozen=True)
class StockRow:
    entry_id: int
    cabinet: str
    cabinet_code: str
    slot: str
    item: str
    sku: str
    quantity: int
    min_qty: int
    par_qty: int
    cabinet_id: int = 0
    slot_id: int = 0
    item_id: int = 0

    @property
    def low(self) -> bool:
        return self.quantity < self.min_qty

    @property
    def fill(self) -> int:
        return min(100, round(100 * self.quantity / max(self.par_qty, 1)))


@dataclass(frozen=True)
class StockPage:
    rows: list[StockRow]
    next_after_id: int | None
    total: int = 0


def list_stock(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int | None = None,
    low_only: bool = False,
    search: str = "",
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> StockPage:
    quantity = func.coalesce(Stock.quantity, 0)
    statement = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            PlanogramEntry.id,
            Cabinet.name,
            Cabinet.code,
            Slot.code,
            Item.name,
            Item.sku,
            quantity,
            PlanogramEntry.min_qty,
            PlanogramEntry.par_qty,
            PlanogramEntry.cabinet_id,
            PlanogramEntry.slot_id,
            PlanogramEntry.item_id,
        )
        .join(Cabinet, Cabinet.id == PlanogramEntry.cabinet_id)
        .join(Slot, Slot.id == PlanogramEntry.slot_id)
        .join(Item, Item.id == PlanogramEntry.item_id)
        .join(
            Stock,
            (Stock.slot_id == PlanogramEntry.slot_id) & (Stock.item_id == PlanogramEntry.item_id),
            isouter=True,
        )
        .where(scope_filter(PlanogramEntry, scope))
    )
    if cabinet_id:
        statement = statement.where(PlanogramEntry.cabinet_id == cabinet_id)
    if low_only:
        statement = statement.where(quantity < PlanogramEntry.min_qty)
    search = search.strip()[:40]
    if search:
        pattern = f"%{search}%"
        statement = statement.where(
            or_(col(Item.name).ilike(pattern), col(Item.sku).ilike(pattern))
        )
    total = count_of(session, statement)
    if after_id is not None:
        statement = statement.where(col(PlanogramEntry.id) > after_id)
    found = session.exec(statement.order_by(PlanogramEntry.id).limit(limit + 1)).all()
    rows = [StockRow(*r) for r in found[:limit]]
    return StockPage(rows, rows[-1].entry_id if len(found) > limit else None, total)
