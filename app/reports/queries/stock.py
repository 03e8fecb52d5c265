"""Stock over a period, per item, from the ledger (SQL sums over stock movements): what was on
hand when the period opened and closed, what came in (restocks), went out (withdrawals and their
corrections) or was counted (adjustments); how often a slot ran empty (stock-outs); turnover
(units out ÷ the average of opening and closing stock) and days of cover at the period's pace;
items that did not move at all while on hand are the slow movers.

Closing stock is today's stock less what moved since the period ended; opening stock is closing
less what moved within it — both from the ledger, which `reconcile_ledger` proves equal to the
stock table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, or_
from sqlmodel import Session, col, select

from app.inventory.models import MovementKind, Stock, StockMovement
from app.items.models import Item
from app.reports.queries.consumption import Window

OUT = (MovementKind.withdrawal.value, MovementKind.correction.value)


@dataclass(frozen=True)
class StockRow:
    item_id: int
    label: str
    detail: str
    opening: int
    restocked: int
    taken: int  # withdrawals net of their corrections
    adjusted: int  # stock counts and initial loads
    closing: int
    stock_outs: int  # a slot of the item left at 0 by a withdrawal or correction
    turnover: float | None  # None: nothing on hand on average
    cover_days: float | None  # None: nothing taken in the period
    slow: bool  # on hand throughout, never taken


def _in_scope(model: Any, win: Window, cabinet_id: int | None) -> list[Any]:
    where = [model.tenant_id.in_(list(win.tenants))]
    if cabinet_id is not None:
        where.append(model.cabinet_id == cabinet_id)
    return where


def stock_report(*, session: Session, win: Window, cabinet_id: int | None = None) -> list[StockRow]:
    """Every item with stock or movements, most taken first."""
    now = _by_item(session, select(Stock.item_id, func.sum(Stock.quantity)), Stock, win, cabinet_id)
    after = _movements(session, win, cabinet_id, since_end=True)
    within = _movements(session, win, cabinet_id, since_end=False)
    items = set(now) | set(within)
    if not items:
        return []
    named = {i.id: i for i in session.exec(select(Item).where(col(Item.id).in_(sorted(items))))}
    days = win.period.days
    rows = []
    for item_id in items:
        moved = within.get(item_id, {})
        closing = now.get(item_id, 0) - after.get(item_id, {}).get("net", 0)
        opening = closing - moved.get("net", 0)
        taken = -moved.get("out", 0)
        average = (opening + closing) / 2
        item = named[item_id]
        rows.append(
            StockRow(
                item_id=item_id,
                label=item.name,
                detail=f"{item.sku} · {item.unit}",
                opening=opening,
                restocked=moved.get("restock", 0),
                taken=taken,
                adjusted=moved.get("adjustment", 0),
                closing=closing,
                stock_outs=moved.get("outs", 0),
                turnover=round(taken / average, 2) if average > 0 else None,
                cover_days=round(closing / (taken / days), 1) if taken > 0 else None,
                slow=taken == 0 and opening > 0 and closing > 0,
            )
        )
    return sorted(rows, key=lambda r: (-r.taken, r.label))


def _by_item(
    session: Session, statement: Any, model: Any, win: Window, cabinet_id: int | None
) -> dict[int, int]:
    statement = statement.where(*_in_scope(model, win, cabinet_id)).group_by(model.item_id)
    return {item: int(total or 0) for item, total in session.exec(statement).all()}


def _movements(
    session: Session, win: Window, cabinet_id: int | None, *, since_end: bool
) -> dict[int, dict[str, int]]:
    """Per item: net change, and (within the period) restocks, outs, adjustments, stock-outs."""
    M = StockMovement
    delta = M.quantity_delta

    def kind_sum(kinds: list[str]) -> Any:
        return func.sum(case((col(M.kind).in_(kinds), delta), else_=0))

    statement = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        M.item_id,
        func.sum(delta),
        kind_sum([MovementKind.restock.value]),
        kind_sum(list(OUT)),
        kind_sum([MovementKind.adjustment.value]),
        func.sum(case(((col(M.kind).in_(OUT)) & (M.balance_after == 0), 1), else_=0)),
    ).where(*_in_scope(M, win, cabinet_id))
    per_tenant: list[ColumnElement[bool]] = []
    for tenant, (start, end, _) in win.tenants.items():
        if since_end:
            per_tenant.append((col(M.tenant_id) == tenant) & (col(M.created_at) >= end))
        else:
            per_tenant.append(
                (col(M.tenant_id) == tenant)
                & (col(M.created_at) >= start)
                & (col(M.created_at) < end)
            )
    statement = statement.where(or_(*per_tenant, false())).group_by(M.item_id)
    names = ("net", "restock", "out", "adjustment", "outs")
    return {
        row[0]: {n: int(v or 0) for n, v in zip(names, row[1:], strict=True)}
        for row in session.exec(statement).all()
    }
