"""/cabinets and /stock: the fleet and what each slot holds, read only
(app/cabinets/services/console.py, app/inventory/queries/stock.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.api.v1.context import ApiCaller, require_scope, run
from app.api.v1.paging import Cursor, Limit, Page, page
from app.cabinets.services.console import list_cabinets
from app.core.paging import decode_id
from app.inventory.queries.stock import list_stock

router = APIRouter(tags=["cabinets"])


@router.get("/cabinets", response_model=Page, summary="List cabinets")
async def cabinets(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("cabinets:read"))],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    found = await run(
        request, list_cabinets, scope=who.scope, after_id=decode_id(cursor), limit=limit
    )
    rows = [{**asdict(r), "status": r.status} for r in found.rows]
    return page(rows, found.next_after_id)


@router.get("/stock", response_model=Page, summary="Stock per cabinet slot")
async def stock(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("stock:read"))],
    limit: Limit = 100,
    cursor: Cursor = None,
    cabinet_id: Annotated[int | None, Query(ge=1)] = None,
    low_only: bool = False,
):
    found = await run(
        request, list_stock, scope=who.scope, cabinet_id=cabinet_id, low_only=low_only,
        after_id=decode_id(cursor), limit=limit,
    )  # fmt: skip
    rows = [{**asdict(r), "low": r.low} for r in found.rows]
    return page(rows, found.next_after_id)
