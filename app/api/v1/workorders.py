"""/work-orders: read, and moved on by a provider's field system (in progress, done,
cancelled) with the console's rules (app/workorders/services/console.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import Field

from app.api.v1.context import ApiCaller, Body, require_scope, run
from app.api.v1.idempotency import write
from app.api.v1.paging import Cursor, Limit, Page, page, stamped
from app.core.paging import decode_id
from app.workorders.services import console

router = APIRouter(prefix="/work-orders", tags=["work orders"])
COLUMNS = (
    "id",
    "tenant",
    "kind",
    "status",
    "title",
    "cabinet_code",
    "assignee",
    "created_at",
    "closed_at",
)


class StatusIn(Body):
    status: Literal["in_progress", "done", "cancelled"]
    reason: str = Field("", max_length=120, description="why, for a cancellation")


def _out(row: console.OrderRow) -> dict:
    values = asdict(row)
    return {k: values[k] for k in COLUMNS}


@router.get("", response_model=Page, summary="List work orders")
async def work_orders(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("workorders:read"))],
    status: Annotated[Literal["open", "done", "cancelled", "all"], Query()] = "open",
    limit: Limit = 100,
    cursor: Cursor = None,
):
    found = await run(
        request, console.list_orders, scope=who.scope, status=status,
        after_id=decode_id(cursor), limit=limit,
    )  # fmt: skip
    return page([_out(r) for r in found.rows], found.next_after_id)


def _move(*, session, who: ApiCaller, order_id: int, body: StatusIn):
    order = console.move_order(
        session=session, scope=who.scope, order_id=order_id, status=body.status,
        reason=body.reason, actor=who.actor,
    )  # fmt: skip
    reply = stamped({"id": order.id, "status": order.status, "closed_at": order.closed_at})
    return reply, False, order.tenant_id


@router.post("/{order_id}/status", summary="Move a work order on")
async def set_status(
    request: Request,
    body: StatusIn,
    who: Annotated[ApiCaller, Depends(require_scope("workorders:write"))],
    order_id: Annotated[int, Path(ge=1)],
):
    return await write(request, who, _move, order_id=order_id, body=body)
