"""/quota-usage: each quota rule's use per holder and period (app/quotas/queries.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.api.v1.context import ApiCaller, require_scope, run
from app.api.v1.paging import Cursor, Limit, Page, page
from app.core.paging import decode_id
from app.quotas.queries import usage_page

router = APIRouter(tags=["quotas"])


@router.get("/quota-usage", response_model=Page, summary="Quota usage")
async def quota_usage(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope("quotas:read"))],
    period_start: Annotated[date | None, Query(description="one period only")] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
):
    rows, after = await run(
        request, usage_page, scope=who.scope, period_start=period_start,
        after_id=decode_id(cursor), limit=limit,
    )  # fmt: skip
    return page(rows, after)
