"""Quota rules: who × what × period → limit, counted at commit with an atomic upsert (no lost
counts when two doors commit at once), over-the-limit reported with the rule's policy, and a
used-up blocking rule keeping the next door shut."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from app.items.models import Item, ItemTag, Tag
from app.org.models import User
from app.quotas.models import QuotaUsage
from app.quotas.services.quotas import Taken, blocking_rule, period_start, record_usage, rules_for
from tests.factories import make_department, make_item, make_item_type, make_quota_rule, make_tenant

AT = datetime(2026, 11, 29, 17, 30, tzinfo=UTC)  # Monday 30 November, 01:30 in Shanghai


def test_periods_follow_the_tenant_clock() -> None:
    assert period_start("day", AT, "Asia/Shanghai") == date(2026, 11, 30)
    assert period_start("day", AT, "UTC") == date(2026, 11, 29)
    assert period_start("week", AT, "Asia/Shanghai") == date(2026, 11, 30)  # a Monday
    assert period_start("week", AT, "UTC") == date(2026, 11, 23)
    assert period_start("month", AT, "Asia/Shanghai") == date(2026, 11, 1)


def _world(session: Session):
    tenant = make_tenant(session)
    dept = make_department(session, tenant, "研发中心", path="/1/")
    person = User(tenant_id=tenant.id, name="李雷", department_id=dept.id)
    other = User(tenant_id=tenant.id, name="韩梅梅")
    kind = make_item_type(session, tenant, "书写工具")
    tag = Tag(tenant_id=tenant.id, name="贵重")
    session.add_all([person, other, tag])
    session.flush()
    pen, pad = make_item(session, tenant, "笔"), make_item(session, tenant, "本")
    pen.type_id = kind.id
    pad.unit_cost_cents = 1200
    session.add(ItemTag(tenant_id=tenant.id, item_id=pad.id, tag_id=tag.id))
    session.flush()
    return tenant, dept, person, other, pen, pad, kind, tag


def test_rules_match_who_and_what(session: Session) -> None:
    tenant, dept, person, other, pen, pad, kind, tag = _world(session)
    everyone = make_quota_rule(session, tenant, subject_kind="tenant", limit_value=100)
    team = make_quota_rule(
        session, tenant, subject_kind="department", subject_id=dept.id, limit_value=5
    )
    mine = make_quota_rule(
        session, tenant, subject_kind="user", subject_id=person.id, limit_value=3
    )
    assert [r.id for r in rules_for(session, person)] == [everyone.id, team.id, mine.id]
    assert [r.id for r in rules_for(session, other)] == [everyone.id]
    pens = make_quota_rule(
        session,
        tenant,
        subject_kind="tenant",
        target_kind="item_type",
        target_id=kind.id,
        limit_value=4,
        period="day",
        over_policy="flag",
    )
    dear = make_quota_rule(
        session,
        tenant,
        subject_kind="tenant",
        target_kind="tag",
        target_id=tag.id,
        limit_kind="cost",
        limit_value=2000,
        over_policy="notify_manager",
    )
    over = record_usage(session, person, [Taken(pen, 5), Taken(pad, 2)], AT)
    assert {(o.rule.id, o.used, o.policy) for o in over} == {
        (pens.id, 5, "flag"),  # five pens of a type limited to four a day
        (dear.id, 2400, "notify_manager"),  # two pads at 12 yuan against 20 yuan
        (team.id, 7, "require_approval"),
        (mine.id, 7, "require_approval"),
    }
    usage = session.exec(select(QuotaUsage).where(QuotaUsage.rule_id == team.id)).one()
    assert usage.holder_id == dept.id  # the department's shared budget


def test_a_used_up_blocking_rule_keeps_the_door_shut(session: Session) -> None:
    tenant, _dept, person, other, pen, _pad, _kind, _tag = _world(session)
    make_quota_rule(
        session,
        tenant,
        subject_kind="user",
        subject_id=person.id,
        limit_value=3,
        period="day",
        over_policy="block_next",
    )
    now = datetime.now(UTC)
    assert blocking_rule(session, person, now) is None
    record_usage(session, person, [Taken(pen, 2)], now)
    assert blocking_rule(session, person, now) is None
    record_usage(session, person, [Taken(pen, 1)], now)
    assert blocking_rule(session, person, now).over_policy == "block_next"
    assert blocking_rule(session, other, now) is None


@pytest.mark.dialects("postgresql")
def test_two_commits_at_once_both_count(engine) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        tenant, _dept, person, _other, pen, _pad, _kind, _tag = _world(setup)
        rule = make_quota_rule(setup, tenant, subject_kind="tenant", limit_value=1000)
        setup.commit()
    barrier = threading.Barrier(8)

    def commit_one() -> None:
        with Session(engine) as session:
            who = session.get(User, person.id)
            item = session.get(Item, pen.id)
            barrier.wait()
            record_usage(session, who, [Taken(item, 3)], AT)
            session.commit()

    threads = [threading.Thread(target=commit_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    with Session(engine) as check:
        usage = check.exec(select(QuotaUsage).where(QuotaUsage.rule_id == rule.id)).one()
        assert usage.used_count == 24
