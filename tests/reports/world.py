"""Generated withdrawals for the report tests, and what they should add up to, worked out here in
plain Python from what was generated (never from the database): a tenant in Shanghai with a
department tree, people, typed and tagged items, two cabinets; withdrawals spread over late
October to early December local time, with some right at midnight on the month's edges; a few
corrected afterwards (the expectation takes the corrected counts), and restocks (never counted).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.audit.services.records import Actor
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind
from app.inventory.services.inventory import record_movement
from app.items.models import Item, ItemTag, ItemType, Tag
from app.org.models import Department, User
from app.withdrawals.models import Withdrawal, WithdrawalLine
from app.withdrawals.services.corrections import correct_withdrawal
from tests.factories import (
    make_cabinet,
    make_department,
    make_item_type,
    make_planogram_entry,
    make_slot,
    make_tenant,
)

ZONE = "Asia/Shanghai"
REVIEWER = Actor(account_id=None, name="审核员")


@dataclass
class Taken:
    """One generated withdrawal as the expectation sees it (after any correction)."""

    at: datetime  # local
    person: User
    cabinet_id: int
    lines: dict[int, int]  # item id → quantity
    id: int = 0


@dataclass
class World:
    tenant_id: int
    departments: dict[str, Department]
    people: list[User]
    items: list[Item]
    types: dict[str, ItemType]
    tags: dict[str, Tag]
    item_tags: dict[int, list[int]]
    cabinets: list[int]
    slots: dict[tuple[int, int], int] = field(default_factory=dict)  # (cabinet, item) → slot
    taken: list[Taken] = field(default_factory=list)


def _department(session: Session, tenant_id: int, name: str, parent: Department | None):
    department = make_department(session, tenant_id, name, parent_id=parent.id if parent else None)
    department.path = f"{parent.path if parent else '/'}{department.id}/"
    session.flush()
    return department


def _catalogue(session: Session, tenant_id: int):
    types = {
        n: make_item_type(session, tenant_id, n, code=c) for n, c in (("书写", "W"), ("纸品", "P"))
    }
    tags = {n: Tag(tenant_id=tenant_id, name=n) for n in ("常用", "耗材")}
    session.add_all(tags.values())
    session.flush()
    specs = [  # name, type, tags, unit cost
        ("中性笔", "书写", ["常用"], 150),
        ("记号笔", "书写", ["常用", "耗材"], 480),
        ("A4 纸", "纸品", [], 2600),
    ]
    items, item_tags = [], {}
    for n, (name, kind, labels, cost) in enumerate(specs):
        item = Item(
            tenant_id=tenant_id, sku=f"R{n}", name=name, type_id=types[kind].id,
            unit_weight_g=10 + n, weight_tolerance_g=1, unit_cost_cents=cost,
        )  # fmt: skip
        session.add(item)
        session.flush()
        session.add_all(
            ItemTag(tenant_id=tenant_id, item_id=item.id, tag_id=tags[t].id) for t in labels
        )
        items.append(item)
        item_tags[item.id] = [tags[t].id for t in labels]
    session.flush()
    return items, types, tags, item_tags


def build(session: Session, seed: int = 7, count: int = 160) -> World:
    tenant = make_tenant(session, "报表企业")
    tenant.timezone = ZONE
    research = _department(session, tenant.id, "研发部", None)
    departments = {
        "研发部": research,
        "前端组": _department(session, tenant.id, "前端组", research),
        "市场部": _department(session, tenant.id, "市场部", None),
    }
    people = []
    for n, dept in enumerate(("研发部", "前端组", "前端组", "市场部", None)):
        person = User(
            tenant_id=tenant.id, name=f"员工{n}", employee_no=f"E{n}",
            department_id=departments[dept].id if dept else None,
        )  # fmt: skip
        session.add(person)
        people.append(person)
    session.flush()
    items, types, tags, item_tags = _catalogue(session, tenant.id)
    world = World(tenant.id, departments, people, items, types, tags, item_tags, [])
    for _ in range(2):
        cabinet = make_cabinet(session, tenant)
        world.cabinets.append(cabinet.id)
        for n, item in enumerate(items):
            slot = make_slot(session, cabinet, f"A{n + 1}")
            make_planogram_entry(session, slot, item)
            world.slots[(cabinet.id, item.id)] = slot.id
            record_movement(
                session=session, tenant_id=tenant.id, cabinet_id=cabinet.id, slot_id=slot.id,
                item_id=item.id, kind=MovementKind.restock, quantity_delta=1000,
            )  # fmt: skip
    session.flush()
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    edges = [  # right at the month's edges, local time
        datetime(2026, 10, 31, 23, 59, 30, tzinfo=zone),
        datetime(2026, 11, 1, 0, 0, 0, tzinfo=zone),
        datetime(2026, 11, 30, 23, 59, 59, tzinfo=zone),
        datetime(2026, 12, 1, 0, 0, 0, tzinfo=zone),
    ]
    start = datetime(2026, 10, 25, tzinfo=zone)
    moments = edges + [
        start + timedelta(minutes=rng.randrange(0, 39 * 24 * 60)) for _ in range(count)
    ]
    for at in moments:
        chosen = rng.sample(items, rng.randint(1, 3))
        _withdraw(
            session,
            world,
            Taken(
                at,
                rng.choice(people),
                rng.choice(world.cabinets),
                {i.id: rng.randint(1, 4) for i in chosen},
            ),
        )
    for taken in rng.sample(world.taken, min(8, len(world.taken))):  # corrected: true counts
        item = rng.choice(items)
        old = taken.lines.get(item.id, 0)
        new = old - 1 if old > 1 and rng.random() < 0.5 else old + rng.randint(1, 3)
        counts = dict(taken.lines) | {item.id: new}
        correct_withdrawal(
            session=session, scope=TenantScope.single(tenant.id), withdrawal_id=taken.id,
            counts={(world.slots[(taken.cabinet_id, i)], i): n for i, n in counts.items()},
            reason="盘点核对", actor=REVIEWER,
        )  # fmt: skip
        taken.lines = counts
    session.flush()
    return world


def _withdraw(session: Session, world: World, taken: Taken) -> None:
    cost = {i.id: i.unit_cost_cents for i in world.items}
    withdrawal = Withdrawal(
        tenant_id=world.tenant_id, cabinet_id=taken.cabinet_id, user_id=taken.person.id,
        department_id=taken.person.department_id, total_qty=sum(taken.lines.values()),
        total_cost_cents=sum(n * cost[i] for i, n in taken.lines.items()),
        created_at=taken.at.astimezone(UTC),
    )  # fmt: skip
    session.add(withdrawal)
    session.flush()
    session.add_all(
        WithdrawalLine.of(
            withdrawal,
            item_id=i,
            quantity=n,
            unit_cost_cents=cost[i],
            slot_id=world.slots[(taken.cabinet_id, i)],
        )
        for i, n in taken.lines.items()
    )
    session.flush()
    taken.id = withdrawal.id
    world.taken.append(taken)


def expected(world: World, first: date, last: date, key, count: str = "visits") -> dict:
    """{group: [count, quantity, cost]} for withdrawals on local days first..last; `key(taken,
    item_id)` gives a line's groups (a list: a tagged item counts under each tag); `count` is
    "visits" (withdrawals in the group) or "lines" (times an item was taken)."""
    cost = {i.id: i.unit_cost_cents for i in world.items}
    sums: dict = {}
    for taken in world.taken:
        if not first <= taken.at.date() <= last:
            continue
        seen = set()
        for item_id, n in taken.lines.items():
            for group in key(taken, item_id):
                acc = sums.setdefault(group, [0, 0, 0])
                if count == "lines" or group not in seen:
                    acc[0] += 1
                    seen.add(group)
                acc[1] += n
                acc[2] += n * cost[item_id]
    return sums
