"""/withdrawals and /withdrawals/corrections: what was taken, oldest first with lines, and the
corrections as their own records; both paged on (time, id) (app/withdrawals/queries/feed.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.api.v1.context import ApiCaller, require_scope, run
from app.api.v1.paging import Cursor, Feed, Limit, stamped
from app.withdrawals.queries.feed import FeedFilter, FeedPage, correction_feed, withdrawal_feed

router = APIRouter(prefix="/withdrawals", tags=["withdrawals"])
READ = "withdrawals:read"


def _filter(
    since: Annotated[datetime | None, Query(description="from (included), ISO 8601")] = None,
    until: Annotated[datetime | None, Query(description="to (excluded), ISO 8601")] = None,
    department_id: Annotated[int | None, Query(ge=1)] = None,
    cabinet_id: Annotated[int | None, Query(ge=1)] = None,
) -> FeedFilter:
    return FeedFilter(since, until, department_id, cabinet_id)


def _feed(found: FeedPage) -> dict:
    return {
        "data": stamped(found.rows),
        "next_cursor": found.next_cursor,
        "resume_cursor": found.resume_cursor,
    }


@router.get("", response_model=Feed, summary="Withdrawals with their lines")
async def withdrawals(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope(READ))],
    where: Annotated[FeedFilter, Depends(_filter)],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    found = await run(
        request, withdrawal_feed, scope=who.scope, where=where, cursor=cursor, limit=limit
    )
    return _feed(found)


@router.get("/corrections", response_model=Feed, summary="Corrections of withdrawals")
async def corrections(
    request: Request,
    who: Annotated[ApiCaller, Depends(require_scope(READ))],
    where: Annotated[FeedFilter, Depends(_filter)],
    limit: Limit = 100,
    cursor: Cursor = None,
):
    found = await run(
        request, correction_feed, scope=who.scope, where=where, cursor=cursor, limit=limit
    )
    return _feed(found)
