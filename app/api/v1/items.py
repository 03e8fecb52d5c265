"""/items: the catalogue, listed and upserted by SKU (app/items/services/console.py,
services/sync.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from app.api.v1.context import ApiCaller, Body, require_scope, run
from app.api.v1.idempotency import write
from app.api.v1.paging import Cursor, Limit, Page, page
from app.core.model_base import pk
from app.core.paging import decode_id
from app.items.services.console import list_items
from app.items.services.sync import ItemSpec, upsert_item

router = APIRouter(prefix="/items", tags=["items"])
READ = "items:read"
FIELDS = ("id", "sku", "name", "type", "tags", "unit", "unit_weight_g", "weight_tolerance_g")
MORE = ("unit_cost_cents", "requires_approval", "is_active")


class ItemIn(Body):
    name: str = Field(max_length=120)
    unit_weight_g: float = Field(gt=0, description="grams per unit")
    unit: str = Field("个", max_length=8)
    weight_tolerance_g: float = Field(0.0, ge=0)
    unit_cost_cents: int = Field(0, ge=0, description="price in fen (cents)")
    type: str | None = Field(None, max_length=60, description="item type by name (created if new)")
    tags: list[str] = Field(default_factory=list, max_length=20, description="tag names")
    requires_approval: bool = False
    is_active: bool = True


def _out(row) -> dict:
    values = asdict(row)
    return {k: values[k] for k in (*FIELDS, *MORE)}


@router.get("", response_model=Page, summary="List items")
async def items(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope(READ))],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    found = await run(request, list_items, scope=who.scope, after_id=decode_id(cursor), limit=limit)
    return page([_out(r) for r in found.rows], found.next_after_id)


def _upsert(*, session, who: ApiCaller, sku: str, body: ItemIn):
    spec = ItemSpec(**{**body.model_dump(), "tags": tuple(body.tags)})
    item, created = upsert_item(
        session=session, scope=who.scope, tenant_id=who.target_tenant, sku=sku, spec=spec,
        actor=who.actor,
    )  # fmt: skip
    rows = list_items(session=session, scope=who.scope, after_id=pk(item) - 1, limit=1).rows
    return _out(rows[0]), created


@router.put("/{sku}", summary="Create or update an item by SKU", status_code=200)
async def put_item(
    request: Request,
    body: ItemIn,
    who: Annotated[ApiCaller, Depends(require_scope("items:write"))],
    sku: Annotated[str, Path(max_length=40)],
):
    return await write(request, who, _upsert, sku=sku, body=body)
