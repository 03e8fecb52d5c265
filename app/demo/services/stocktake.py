"""The demo's finished stocktake: the first tenant's restocker counted its last cabinet
yesterday evening and found one unit short in one slot (below the approval threshold, so it
was applied at once). The slot stays above its minimum, so the demo's low-stock figures hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.audit.services.records import Actor
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.demo.services.history import TenantWorld
from app.inventory.models import Stock
from app.inventory.services.stocktake import lines_of, start_stocktake, submit_stocktake


def seed_stocktake(*, session: Session, worlds: list[TenantWorld], now: datetime) -> int:
    """One applied stocktake in the first tenant; how many were made."""
    world = worlds[0]
    cabinet = world.layouts[-1].cabinet
    scope = TenantScope.single(pk(world.tenant))
    actor = Actor(account_id=world.restocker.account_id, name=world.restocker.name)
    at = now - timedelta(hours=16)
    take = start_stocktake(
        session=session, scope=scope, cabinet_id=pk(cabinet), actor=actor, now=at
    )
    minimum = {p.slot.id: p.min_qty for p in world.layouts[-1].slots}
    stock = {
        s.slot_id: s.quantity
        for s in session.exec(select(Stock).where(Stock.cabinet_id == cabinet.id))
    }
    counts: dict[int, int] = {}
    short = None
    for line, slot in lines_of(session, pk(take)):
        counts[pk(line)] = line.ledger_qty
        if short is None and stock.get(pk(slot), 0) > minimum.get(slot.id, 0) + 1:
            short = line.id
    if short is not None:
        counts[short] -= 1
    submit_stocktake(
        session=session,
        scope=scope,
        stocktake_id=pk(take),
        counts=counts,
        actor=actor,
        note="月度盘点",
        now=at + timedelta(minutes=25),
    )
    return 1
