"""Departments with their sub-departments ("含下级部门"): a parent's figures add up its whole
subtree, so a parent with its groups ranks above its largest child; checked on a hand-made tree
(pure) and against the generated withdrawals (the world's 研发部 holds 前端组)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.core.tenancy import TenantScope
from app.reports.queries import consumption as c
from app.reports.queries.rollup import Node, roll_up
from app.reports.services.periods import period_of
from app.reports.services.reports import consumption_report
from tests.reports.world import build, expected

NOVEMBER = period_of("month", date(2026, 11, 17))
# 财务部 (1) ⊃ 会计组 (2), 出纳组 (3); 研发中心 (4) ⊃ 后端组 (5) ⊃ 接口小组 (6); 行政部 (7)
TREE = [
    Node(1, None, "财务部"),
    Node(2, 1, "会计组"),
    Node(3, 1, "出纳组"),
    Node(4, None, "研发中心"),
    Node(5, 4, "后端组"),
    Node(6, 5, "接口小组"),
    Node(7, None, "行政部"),
]


def _row(key: int | None, label: str, count: int, quantity: int, cost: int) -> c.Row:
    return c.Row(key, label, "", c.Figures(count, quantity, cost))


def test_a_parent_with_its_groups_outranks_its_largest_group() -> None:
    rows = [  # as the breakdown gives them: 出纳组 first on its own
        _row(3, "出纳组", 5, 20, 9_000),
        _row(2, "会计组", 4, 10, 6_000),
        _row(7, "行政部", 2, 8, 7_000),
        _row(6, "接口小组", 1, 3, 1_000),
        _row(None, "", 1, 1, 500),
        _row(1, "财务部", 1, 2, 300),
    ]
    rolled = roll_up(rows, TREE)
    by_name = {r.label: r for r in rolled}
    assert [r.label for r in rolled][:2] == ["财务部", "出纳组"]
    finance = by_name["财务部"]
    assert finance.total == c.Figures(10, 32, 15_300)
    assert finance.own == c.Figures(1, 2, 300)
    assert finance.descendants == 2 and finance.detail == ""
    # a department that took nothing itself still shows with what its subtree took
    assert by_name["研发中心"].total == c.Figures(1, 3, 1_000)
    assert by_name["研发中心"].own == c.Figures(0, 0, 0)
    assert by_name["后端组"].total == c.Figures(1, 3, 1_000)
    assert by_name["接口小组"].detail == "研发中心 › 后端组"
    assert by_name["出纳组"].detail == "财务部" and by_name["出纳组"].descendants == 0
    # withdrawals without a department stay one row of their own; nothing counts twice at the top
    assert by_name[""].total == c.Figures(1, 1, 500) and by_name[""].key is None
    roots = [r for r in rolled if r.key in (1, 4, 7, None)]
    assert sum(r.total.cost_cents for r in roots) == sum(r.figures.cost_cents for r in rows)


def test_equal_totals_put_the_parent_first_and_departments_that_took_nothing_are_left_out():
    rolled = roll_up([_row(6, "接口小组", 1, 3, 1_000)], TREE)
    assert [r.label for r in rolled] == ["研发中心", "后端组", "接口小组"]
    assert "财务部" not in {r.label for r in rolled}


def test_a_broken_chain_stops_instead_of_looping() -> None:
    looped = [Node(1, 2, "甲"), Node(2, 1, "乙")]
    rolled = roll_up([_row(1, "甲", 1, 1, 100)], looped)
    assert {r.label: r.total.cost_cents for r in rolled} == {"甲": 100, "乙": 100}
    unknown = roll_up([_row(99, "已删除", 1, 1, 100)], TREE)
    assert [(r.label, r.detail, r.total.cost_cents) for r in unknown] == [("已删除", "", 100)]


def test_the_report_rolls_the_generated_month_up(session: Session) -> None:
    world = build(session)
    report = consumption_report(
        session=session, scope=TenantScope.single(world.tenant_id), period=NOVEMBER
    )
    own = expected(world, NOVEMBER.first, NOVEMBER.last, lambda t, i: [t.person.department_id])
    research, front = world.departments["研发部"].id, world.departments["前端组"].id
    rolled = {r.key: r for r in report.departments}
    whole = [a + b for a, b in zip(own[research], own[front], strict=True)]
    assert [rolled[research].total.count, rolled[research].total.quantity,
            rolled[research].total.cost_cents] == whole  # fmt: skip
    assert rolled[research].own.cost_cents == own[research][2]
    assert rolled[front].total.cost_cents == own[front][2]
    assert rolled[front].detail == "研发部"
    costs = [r.total.cost_cents for r in report.departments]
    assert costs == sorted(costs, reverse=True)
    assert report.departments.index(rolled[research]) < report.departments.index(rolled[front])
