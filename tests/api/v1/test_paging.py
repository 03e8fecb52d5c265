"""Cursor pages of the withdrawal feed: every row exactly once, in (time, id) order, also when
many rows share one timestamp; filters and corrections; `limit` bounded."""

from __future__ import annotations

from datetime import timedelta, timezone
from urllib.parse import quote

import pytest
from sqlmodel import Session

from app.inventory.models import MovementKind, StockMovement
from app.withdrawals.models import Withdrawal
from tests.api.v1.conftest import NOW, bearer


def _many(session: Session, side, n: int) -> None:
    """n withdrawals, in runs of five sharing a timestamp, inserted out of time order."""
    for i in reversed(range(n)):
        session.add(
            Withdrawal(
                tenant_id=side.tenant_id, cabinet_id=side.ids["cabinet"],
                user_id=side.ids["user"], total_qty=1, total_cost_cents=1,
                created_at=NOW - timedelta(days=1) + timedelta(seconds=i // 5),
            )
        )  # fmt: skip
    session.commit()


async def _all_pages(client, key: str, query: str, limit: int) -> tuple[list[dict], int]:
    rows, pages, cursor = [], 0, None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        response = await client.get(
            f"/withdrawals?limit={limit}{query}{suffix}", headers=bearer(key)
        )
        assert response.status_code == 200, response.text
        rows += response.json()["data"]
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return rows, pages


async def test_pages_hold_every_row_once_across_equal_timestamps(session, client, world) -> None:
    a, b = world
    _many(session, a, 23)
    _many(session, b, 4)
    rows, pages = await _all_pages(client, a.key, "", 4)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == 24 and pages == 6
    assert [(r["created_at"], r["id"]) for r in rows] == sorted(
        (r["created_at"], r["id"]) for r in rows
    )


async def test_filters_cut_the_feed(session, client, world) -> None:
    a, _ = world
    _many(session, a, 10)
    since = (NOW - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    rows, _ = await _all_pages(client, a.key, f"&since={since}", 3)
    assert len(rows) == 11  # and the world's own, an hour ago
    until = (NOW - timedelta(days=1) + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    rows, _ = await _all_pages(client, a.key, f"&since={since}&until={until}", 3)
    assert len(rows) == 5
    rows, _ = await _all_pages(client, a.key, f"&department_id={a.ids['department']}", 3)
    assert [r["id"] for r in rows] == [a.ids["withdrawal"]]


async def test_a_period_in_another_time_zone_is_the_same_instant(session, client, world) -> None:
    """Found by a client written from docs/api.md alone: +08:00 was read as if it were UTC."""
    a, _ = world
    _many(session, a, 10)
    start = NOW - timedelta(days=1)  # 5 rows at start, 5 a second later
    beijing = start.astimezone(timezone(timedelta(hours=8))).isoformat()
    new_york = (start + timedelta(seconds=1)).astimezone(timezone(timedelta(hours=-5)))
    query = f"&since={quote(beijing)}&until={quote(new_york.isoformat())}"
    rows, _ = await _all_pages(client, a.key, query, 3)
    assert len(rows) == 5
    naive = await client.get(
        f"/withdrawals?since={start.replace(tzinfo=None).isoformat()}", headers=bearer(a.key)
    )
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "since"


async def test_the_resume_cursor_follows_new_withdrawals(session, client, world) -> None:
    a, _ = world
    _many(session, a, 6)
    seen, cursor = [], None
    while True:  # read to the end, keeping where to resume
        suffix = f"&cursor={cursor}" if cursor else ""
        body = (await client.get(f"/withdrawals?limit=4{suffix}", headers=bearer(a.key))).json()
        seen += [r["id"] for r in body["data"]]
        resume, cursor = body["resume_cursor"], body["next_cursor"]
        if cursor is None:
            break
    quiet = (await client.get(f"/withdrawals?cursor={resume}", headers=bearer(a.key))).json()
    assert quiet["data"] == [] and quiet["resume_cursor"] == resume
    session.add(  # one more, later than all the others
        Withdrawal(tenant_id=a.tenant_id, cabinet_id=a.ids["cabinet"], user_id=a.ids["user"],
                   total_qty=1, total_cost_cents=1, created_at=NOW)
    )  # fmt: skip
    session.commit()
    later = (await client.get(f"/withdrawals?cursor={resume}", headers=bearer(a.key))).json()
    assert len(later["data"]) == 1 and later["data"][0]["id"] not in seen
    assert len(seen) == len(set(seen)) == 7


async def test_an_empty_feed_still_says_where_to_resume(session, client, world) -> None:
    """Found by a client written from docs/api.md alone: a feed empty at the first poll (a new
    company, a filter nothing matches yet) answered `resume_cursor: null`."""
    a, _ = world
    since = (NOW + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    for path in (f"/withdrawals?since={since}", "/withdrawals/corrections"):
        first = (await client.get(path, headers=bearer(a.key))).json()
        assert first["data"] == [] and first["resume_cursor"], path
    empty = (await client.get(f"/withdrawals?since={since}", headers=bearer(a.key))).json()
    session.add(  # the first withdrawal after `since`
        Withdrawal(tenant_id=a.tenant_id, cabinet_id=a.ids["cabinet"], user_id=a.ids["user"],
                   total_qty=1, total_cost_cents=1, created_at=NOW + timedelta(days=2))
    )  # fmt: skip
    session.commit()
    later = await client.get(
        f"/withdrawals?since={since}&cursor={empty['resume_cursor']}", headers=bearer(a.key)
    )
    assert [r["created_at"][:10] for r in later.json()["data"]] == [
        (NOW + timedelta(days=2)).date().isoformat()
    ]


@pytest.mark.dialects("sqlite")
async def test_limit_and_cursor_are_checked(client, world) -> None:
    a, _ = world
    assert (await client.get("/withdrawals?limit=201", headers=bearer(a.key))).status_code == 422
    bad = await client.get("/withdrawals?cursor=bm9wZQ", headers=bearer(a.key))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


@pytest.mark.dialects("sqlite")
async def test_a_correction_is_a_record_of_its_own(session, client, world) -> None:
    a, _ = world
    session.add(
        StockMovement(
            tenant_id=a.tenant_id, cabinet_id=a.ids["cabinet"], slot_id=a.ids["slot"],
            item_id=a.ids["item"], kind=MovementKind.adjustment.value, quantity_delta=5,
            balance_after=5, reason="初始",
        )
    )  # fmt: skip
    session.flush()
    session.add(
        StockMovement(
            tenant_id=a.tenant_id, cabinet_id=a.ids["cabinet"], slot_id=a.ids["slot"],
            item_id=a.ids["item"], kind=MovementKind.correction.value, quantity_delta=-1,
            balance_after=4, withdrawal_id=a.ids["withdrawal"], reason="多拿了一个",
        )
    )  # fmt: skip
    session.commit()
    response = await client.get("/withdrawals/corrections", headers=bearer(a.key))
    [row] = response.json()["data"]
    assert (row["withdrawal_id"], row["quantity_delta"], row["reason"]) == (
        a.ids["withdrawal"], 1, "多拿了一个",
    )  # fmt: skip
