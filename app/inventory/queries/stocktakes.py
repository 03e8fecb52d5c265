"""Read models of stocktakes: the list the console shows, and one stocktake's report (per line
the ledger's and the counted quantity, the difference and its value; the totals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet, Slot
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scope_filter
from app.inventory.models import Stocktake, StocktakeLine, StocktakeStatus
from app.items.models import Item
from app.tenants.models import Tenant

LIST_LIMIT = 100


@dataclass(frozen=True)
class StocktakeRow:
    id: int
    cabinet: str
    cabinet_code: str
    counted_by: str
    started_at: datetime
    status: str
    difference_cents: int
    timezone: str


def list_stocktakes(
    *, session: Session, scope: TenantScope, limit: int = LIST_LIMIT
) -> list[StocktakeRow]:
    """The scope's stocktakes, newest first."""
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            Stocktake.id,
            Cabinet.name,
            Cabinet.code,
            Stocktake.counted_by_name,
            Stocktake.started_at,
            Stocktake.status,
            Stocktake.difference_cents,
            Tenant.timezone,
        )
        .join(Cabinet, Cabinet.id == Stocktake.cabinet_id)
        .join(Tenant, Tenant.id == Stocktake.tenant_id)
        .where(scope_filter(Stocktake, scope))
        .order_by(col(Stocktake.started_at).desc(), col(Stocktake.id).desc())
        .limit(limit)
    ).all()
    return [StocktakeRow(*r) for r in rows]


@dataclass(frozen=True)
class ReportLine:
    line_id: int
    slot: str
    item: str
    sku: str
    unit: str
    ledger: int
    suggested: int | None
    counted: int | None
    unit_cost_cents: int

    @property
    def difference(self) -> int:
        return 0 if self.counted is None else self.counted - self.ledger

    @property
    def value_cents(self) -> int:
        return self.difference * self.unit_cost_cents


@dataclass(frozen=True)
class StocktakeReport:
    id: int
    tenant_id: int
    cabinet: str
    cabinet_code: str
    status: str
    counted_by: str
    counted_by_account_id: int | None
    decided_by: str | None
    note: str | None
    started_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    timezone: str
    lines: list[ReportLine]

    @property
    def counting(self) -> bool:
        return self.status == StocktakeStatus.counting.value

    @property
    def units_gained(self) -> int:
        return sum(max(line.difference, 0) for line in self.lines)

    @property
    def units_lost(self) -> int:
        return sum(max(-line.difference, 0) for line in self.lines)

    @property
    def net_value_cents(self) -> int:
        return sum(line.value_cents for line in self.lines)

    @property
    def difference_cents(self) -> int:
        """Σ |difference| × unit cost: what the approval threshold is compared with."""
        return sum(abs(line.value_cents) for line in self.lines)

    @property
    def lines_differing(self) -> int:
        return sum(1 for line in self.lines if line.difference)


def stocktake_report(*, session: Session, scope: TenantScope, stocktake_id: int) -> StocktakeReport:
    """One stocktake of the scope with its lines by slot (another tenant's looks absent)."""
    row = get_scoped_or_raise(session, Stocktake, stocktake_id, scope)
    cabinet = session.get_one(Cabinet, row.cabinet_id)
    tenant = session.get_one(Tenant, row.tenant_id)
    found = session.exec(
        select(StocktakeLine, Slot.code, Item.name, Item.sku, Item.unit)  # type: ignore[call-overload]
        .join(Slot, Slot.id == StocktakeLine.slot_id)
        .join(Item, Item.id == StocktakeLine.item_id)
        .where(StocktakeLine.stocktake_id == row.id)
        .order_by(Slot.code, Item.sku)
    ).all()
    lines = [
        ReportLine(
            line_id=line.id,
            slot=slot,
            item=name,
            sku=sku,
            unit=unit,
            ledger=line.ledger_qty,
            suggested=line.suggested_qty,
            counted=line.counted_qty,
            unit_cost_cents=line.unit_cost_cents,
        )
        for line, slot, name, sku, unit in found
    ]
    return StocktakeReport(
        id=pk(row),
        tenant_id=row.tenant_id,
        cabinet=cabinet.name,
        cabinet_code=cabinet.code,
        status=row.status,
        counted_by=row.counted_by_name,
        counted_by_account_id=row.counted_by_account_id,
        decided_by=row.decided_by_name,
        note=row.note,
        started_at=row.started_at,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        timezone=tenant.timezone,
        lines=lines,
    )
