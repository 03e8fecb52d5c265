"""Consumption figures checked against what the generated withdrawals add up to (computed in
Python from the generation, tests/reports/world.py): a month, a week and a day in the tenant's
time zone, every breakdown, the department filter taking its sub-departments, corrections
counted at their corrected quantities, restocks never; and a tenant whose clocks change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.services.periods import period_of
from app.withdrawals.models import WithdrawalLine
from tests.factories import (
    make_cabinet,
    make_department,
    make_item,
    make_tenant,
    make_user,
    make_withdrawal,
)
from tests.reports.world import World, build, expected

NOVEMBER = period_of("month", date(2026, 11, 17))


def _as_dict(rows: list[c.Row]) -> dict:
    return {r.key: [r.figures.count, r.figures.quantity, r.figures.cost_cents] for r in rows}


def _window(session: Session, world: World, period=NOVEMBER) -> c.Window:
    return c.window(session=session, scope=TenantScope.single(world.tenant_id), period=period)


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


KEYS = {
    "department": lambda t, i: [t.person.department_id],
    "person": lambda t, i: [t.person.id],
    "item": lambda t, i: [i],
    "cabinet": lambda t, i: [t.cabinet_id],
}


@pytest.mark.parametrize("by", sorted(KEYS))
def test_each_breakdown_of_the_month_matches(session: Session, world: World, by: str) -> None:
    rows = c.breakdown(session=session, win=_window(session, world), by=by)
    count = "lines" if by == "item" else "visits"
    assert _as_dict(rows) == expected(world, NOVEMBER.first, NOVEMBER.last, KEYS[by], count)
    costs = [r.figures.cost_cents for r in rows]
    assert costs == sorted(costs, reverse=True)  # the largest first


def test_types_and_tags(session: Session, world: World) -> None:
    win = _window(session, world)
    type_of = {i.id: i.type_id for i in world.items}
    by_type = c.breakdown(session=session, win=win, by="item_type")
    assert _as_dict(by_type) == expected(
        world, NOVEMBER.first, NOVEMBER.last, lambda t, i: [type_of[i]], "lines"
    )
    assert {r.label for r in by_type} == {"书写", "纸品"}
    by_tag = c.breakdown(session=session, win=win, by="tag")
    assert _as_dict(by_tag) == expected(
        world, NOVEMBER.first, NOVEMBER.last, lambda t, i: world.item_tags[i], "lines"
    )


def test_totals_and_the_month_edges(session: Session, world: World) -> None:
    totals = c.totals(session=session, win=_window(session, world))
    whole = expected(world, NOVEMBER.first, NOVEMBER.last, lambda t, i: ["all"])["all"]
    assert [totals.withdrawals, totals.quantity, totals.cost_cents] == whole
    in_november = [t for t in world.taken if t.at.month == 11]
    assert totals.people == len({t.person.id for t in in_november})
    # 23:59:30 on 31 October and midnight on 1 December (local) stay out; 1 November 00:00
    # and 30 November 23:59:59 are in: counting by UTC dates would give other figures
    by_utc = sum(
        sum(t.lines.values())
        for t in world.taken
        if NOVEMBER.first <= t.at.astimezone(UTC).date() <= NOVEMBER.last
    )
    assert by_utc != totals.quantity


def test_a_week_and_a_day_per_local_day(session: Session, world: World) -> None:
    week = period_of("week", date(2026, 11, 26))
    assert (week.first, week.last) == (date(2026, 11, 23), date(2026, 11, 29))
    days = c.by_day(session=session, win=_window(session, world, week))
    assert list(days) == [date(2026, 11, d) for d in range(23, 30)]
    wanted = expected(world, week.first, week.last, lambda t, i: [t.at.date()])
    assert {d: [f.count, f.quantity, f.cost_cents] for d, f in days.items() if f.count} == wanted
    one_day = period_of("day", date(2026, 11, 30))
    totals = c.totals(session=session, win=_window(session, world, one_day))
    assert totals.quantity == sum(
        v[1] for v in expected(world, one_day.first, one_day.last, lambda t, i: ["d"]).values()
    )


def test_the_department_filter_takes_its_sub_departments(session: Session, world: World) -> None:
    research = world.departments["研发部"]
    under = {research.id, world.departments["前端组"].id}
    rows = c.breakdown(
        session=session, win=_window(session, world), by="person",
        filters=c.Filters(department_id=research.id),
    )  # fmt: skip
    wanted = {
        k: v
        for k, v in expected(world, NOVEMBER.first, NOVEMBER.last, KEYS["person"]).items()
        if next(p for p in world.people if p.id == k).department_id in under
    }
    assert _as_dict(rows) == wanted
    other = make_tenant(session, "别家")
    with pytest.raises(ValidationError):
        c.totals(
            session=session, win=_window(session, world),
            filters=c.Filters(department_id=_foreign_department(session, other.id)),
        )  # fmt: skip


def _foreign_department(session: Session, tenant_id: int) -> int:
    return make_department(session, tenant_id, "外部", path="/").id


def test_corrections_count_once_at_their_true_quantities(session: Session, world: World) -> None:
    corrected = [t for t in world.taken if t.at.month == 11]
    rows = c.breakdown(session=session, win=_window(session, world), by="item")
    assert sum(r.figures.quantity for r in rows) == sum(sum(t.lines.values()) for t in corrected)


def test_a_tenant_whose_clocks_go_back_counts_its_own_days(session: Session) -> None:
    """Berlin leaves summer time on 25 October 2026: 23:30 that evening is 22:30 UTC; with the
    summer offset it would fall on the 26th."""
    tenant = make_tenant(session, "柏林")
    tenant.timezone = "Europe/Berlin"
    cabinet, item, person = (
        make_cabinet(session, tenant),
        make_item(session, tenant),
        make_user(session, tenant),
    )
    berlin = ZoneInfo("Europe/Berlin")
    for day, hour, quantity in ((24, 23, 1), (25, 1, 2), (25, 23, 4), (26, 0, 8)):
        at = datetime(2026, 10, day, hour, 30, tzinfo=berlin).astimezone(UTC)
        withdrawal = make_withdrawal(
            session, cabinet, person, total_qty=quantity, total_cost_cents=quantity * 250,
            created_at=at,
        )  # fmt: skip
        session.add(
            WithdrawalLine.of(withdrawal, item_id=item.id, quantity=quantity, unit_cost_cents=250)
        )
    session.flush()
    period = period_of("custom", date(2026, 10, 24), date(2026, 10, 26))
    win = c.window(session=session, scope=TenantScope.single(tenant.id), period=period)
    days = c.by_day(session=session, win=win)
    assert {d: f.quantity for d, f in days.items()} == {
        date(2026, 10, 24): 1,
        date(2026, 10, 25): 6,
        date(2026, 10, 26): 8,
    }


def test_a_provider_sees_each_tenant_in_its_own_days(session: Session, world: World) -> None:
    other = make_tenant(session, "另一家")
    cabinet, item, person = (
        make_cabinet(session, other),
        make_item(session, other),
        make_user(session, other),
    )
    withdrawal = make_withdrawal(
        session, cabinet, person, total_qty=3, total_cost_cents=750,
        created_at=datetime(2026, 11, 10, 2, tzinfo=UTC),
    )  # fmt: skip
    session.add(WithdrawalLine.of(withdrawal, item_id=item.id, quantity=3, unit_cost_cents=250))
    session.flush()
    both = TenantScope.of({world.tenant_id, other.id})
    rows = c.breakdown(
        session=session, win=c.window(session=session, scope=both, period=NOVEMBER), by="tenant"
    )
    assert {r.key: r.figures.quantity for r in rows} == {
        world.tenant_id: sum(
            v[1]
            for v in expected(world, NOVEMBER.first, NOVEMBER.last, lambda t, i: ["q"]).values()
        ),
        other.id: 3,
    }
    by_person = c.breakdown(
        session=session, win=c.window(session=session, scope=both, period=NOVEMBER), by="person"
    )
    theirs = next(r for r in by_person if r.key == person.id)
    assert theirs.detail == f"{other.code} · {person.employee_no}"  # whose, when several
    only_theirs = c.window(session=session, scope=TenantScope.single(other.id), period=NOVEMBER)
    (alone,) = c.breakdown(session=session, win=only_theirs, by="person")
    assert alone.detail == person.employee_no
    assert c.totals(session=session, win=only_theirs).quantity == 3


def test_periods() -> None:
    assert period_of("month", date(2026, 2, 11)).last == date(2026, 2, 28)
    december = period_of("month", date(2026, 12, 31))
    assert (december.first, december.last, december.label()) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
        "2026-12",
    )
    assert period_of("month", date(2027, 1, 5)).previous() == december
    week = period_of("week", date(2026, 11, 1))  # a Sunday
    assert (week.first, week.label(), week.previous().first) == (
        date(2026, 10, 26),
        "2026-W44",
        date(2026, 10, 19),
    )
    start, end = period_of("day", date(2026, 11, 27)).bounds("Asia/Shanghai")
    assert (start, end) == (
        datetime(2026, 11, 26, 16, tzinfo=UTC),
        datetime(2026, 11, 27, 16, tzinfo=UTC),
    )
    for wrong in ((date(2026, 11, 2), date(2026, 11, 1)), (date(2025, 1, 1), date(2026, 11, 1))):
        with pytest.raises(ValidationError):
            period_of("custom", *wrong)
    with pytest.raises(ValidationError):
        period_of("fortnight", date(2026, 11, 1))


def test_an_item_filter_counts_only_that_item(session: Session, world: World) -> None:
    pen = world.items[1]
    win = _window(session, world)
    rows = c.breakdown(session=session, win=win, by="person", filters=c.Filters(item_id=pen.id))
    wanted = expected(
        world, NOVEMBER.first, NOVEMBER.last, lambda t, i: [t.person.id] if i == pen.id else []
    )
    assert _as_dict(rows) == wanted
    days = c.by_day(session=session, win=win, filters=c.Filters(item_id=pen.id))
    assert sum(f.quantity for f in days.values()) == sum(v[1] for v in wanted.values())


def test_the_report_adds_up_like_its_parts(session: Session, world: World) -> None:
    from app.reports.services.reports import consumption_report

    scope = TenantScope.single(world.tenant_id)
    report = consumption_report(session=session, scope=scope, period=NOVEMBER)
    totals = c.totals(session=session, win=_window(session, world))
    assert report.totals == totals
    filtered = c.Filters(item_id=world.items[0].id)
    narrowed = consumption_report(session=session, scope=scope, period=NOVEMBER, filters=filtered)
    assert narrowed.totals == c.totals(
        session=session, win=_window(session, world), filters=filtered
    )
