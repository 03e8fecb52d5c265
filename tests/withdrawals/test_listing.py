"""The withdrawals list: filters in SQL, local dates, keyset pages that cover every row once in
either order, other tenants never listed, bad input refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from app.core.errors import NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.withdrawals.models import Withdrawal, WithdrawalLine
from app.withdrawals.queries import listing
from tests.factories import (
    make_cabinet,
    make_department,
    make_item,
    make_tenant,
    make_user,
    make_withdrawal,
)

TZ = "Asia/Shanghai"
START = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 November in Shanghai


def _world(session: Session):
    tenant, other = make_tenant(session), make_tenant(session)
    cabinets = [make_cabinet(session, tenant), make_cabinet(session, tenant)]
    departments = [make_department(session, tenant, f"部门{n}") for n in range(2)]
    person, item = make_user(session, tenant), make_item(session, tenant)
    made = []
    for n in range(45):  # every 7 hours: several local days; two at the very same moment
        at = START + timedelta(hours=7 * (n // 2 if n < 2 else n))
        row = make_withdrawal(
            session,
            cabinets[n % 2],
            person,
            department_id=departments[n % 3 % 2].id,
            total_qty=1,
            total_cost_cents=250,
            created_at=at,
        )
        session.add(WithdrawalLine.of(row, item_id=item.id, quantity=1, unit_cost_cents=250))
        made.append(row)
    outsider = make_cabinet(session, other)
    stranger = make_user(session, other)
    make_withdrawal(session, outsider, stranger, total_qty=1, total_cost_cents=1, created_at=START)
    return tenant, cabinets, departments, made


def _all_pages(session, scope, where, limit=7) -> list[int]:
    seen, after = [], None
    while True:
        page = listing.list_withdrawals(
            session=session, scope=scope, where=where, timezone=TZ, after=after, limit=limit
        )
        seen += [r.id for r in page.rows]
        if page.next_cursor is None:
            return seen
        after = page.next_cursor


def test_keyset_pages_cover_every_row_once_in_either_order(session: Session) -> None:
    tenant, _, _, made = _world(session)
    scope = TenantScope.single(tenant.id)
    newest = _all_pages(session, scope, listing.WithdrawalFilter())
    by_time = sorted(made, key=lambda w: (w.created_at, w.id))
    assert newest == [w.id for w in reversed(by_time)]
    oldest = _all_pages(session, scope, listing.WithdrawalFilter(order="oldest"))
    assert oldest == [w.id for w in by_time]


def test_filters_by_cabinet_department_and_local_days(session: Session) -> None:
    tenant, cabinets, departments, made = _world(session)
    scope = TenantScope.single(tenant.id)
    where = listing.WithdrawalFilter(
        cabinet_id=cabinets[1].id,
        department_id=departments[0].id,
        since=date(2026, 11, 3),
        until=date(2026, 11, 4),
    )
    expected = {
        w.id
        for w in made
        if w.cabinet_id == cabinets[1].id
        and w.department_id == departments[0].id
        and date(2026, 11, 3)
        <= w.created_at.astimezone(UTC).date() + _shanghai_shift(w)
        <= date(2026, 11, 4)
    }
    assert expected and set(_all_pages(session, scope, where)) == expected
    page = listing.list_withdrawals(session=session, scope=scope, where=where, timezone=TZ)
    label = f"{cabinets[1].name} ({cabinets[1].code})"  # names repeat across sites: the code too
    assert {r.cabinet for r in page.rows} == {label}
    assert (
        listing.withdrawal_detail(
            session=session, scope=scope, withdrawal_id=page.rows[0].id
        ).row.cabinet
        == label
    )


def _shanghai_shift(w: Withdrawal) -> timedelta:
    """How many days later the moment falls in Shanghai than in UTC (0 or 1)."""
    at = w.created_at.astimezone(UTC)
    return timedelta(days=1) if at.hour >= 16 else timedelta(0)


def test_other_tenants_and_bad_input_are_refused(session: Session) -> None:
    tenant, _, _, made = _world(session)
    scope = TenantScope.single(tenant.id)
    assert len(_all_pages(session, scope, listing.WithdrawalFilter(), limit=100)) == len(made)
    for bad in (
        listing.WithdrawalFilter(order="cheapest"),
        listing.WithdrawalFilter(since=date(2026, 11, 5), until=date(2026, 11, 4)),
    ):
        with pytest.raises(ValidationError):
            listing.list_withdrawals(session=session, scope=scope, where=bad, timezone=TZ)
    with pytest.raises(ValidationError):
        listing.list_withdrawals(
            session=session,
            scope=scope,
            where=listing.WithdrawalFilter(),
            timezone=TZ,
            after="yesterday|x",
        )
    detail = listing.withdrawal_detail(session=session, scope=scope, withdrawal_id=made[0].id)
    assert [(n.quantity, n.line_cost_cents) for n in detail.lines] == [(1, 250)]
    stranger_scope = TenantScope.single(tenant.id + 1000)
    with pytest.raises(NotFoundError):
        listing.withdrawal_detail(session=session, scope=stranger_scope, withdrawal_id=made[0].id)
