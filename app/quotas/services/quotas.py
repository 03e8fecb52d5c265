"""Quota rules: who (tenant, department, role, person) × what (everything, an item, an item type,
a tag) × period (day, week, month in the tenant's time zone) → a count or cost limit.

- Before unlocking: a rule already used up whose policy is `block_next` or `require_approval`
  keeps the door shut (`blocking_rule`).
- At commit: usage is counted with one atomic upsert per rule (two doors committing at once both
  count), and the rules this withdrawal took over their limit are returned with their policy for
  the caller to act on (flag the withdrawal, tell the manager; the next opening is then checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, or_, select

from app.auth.models import RoleGrant
from app.core.memo import memo_of, remember
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.items.models import Item, ItemTag
from app.org.models import User
from app.quotas.models import OverQuotaPolicy, QuotaLimitKind, QuotaRule, QuotaSubject, QuotaUsage
from app.tenants.models import Tenant

BLOCKING = (OverQuotaPolicy.block_next.value, OverQuotaPolicy.require_approval.value)


@dataclass(frozen=True)
class Taken:
    item: Item
    quantity: int


@dataclass(frozen=True)
class Overrun:
    rule: QuotaRule
    used: int
    policy: str
    period_start: date


def period_start(period: str, moment: datetime, tz: str) -> date:
    local = moment.astimezone(ZoneInfo(tz)).date()
    if period == "day":
        return local
    if period == "week":
        return local - timedelta(days=local.weekday())
    return local.replace(day=1)


def _role_ids(session: Session, person: User) -> list[int]:
    if person.account_id is None:
        return []
    grants = select(RoleGrant.role_id).where(
        RoleGrant.account_id == person.account_id, RoleGrant.tenant_id == person.tenant_id
    )
    return list(session.exec(grants))


RULES, TAGS = "quotas:rules", "quotas:tags"  # batch memo: tenant → active rules; item → tags


def preload(session: Session, tenant_ids: list[int], items: Iterable[Item]) -> None:
    """The active rules of these tenants and the tags of these items, kept for the running
    batch (app/core/memo.py): a batch of withdrawals counts its usage without reading them."""
    rules = session.exec(
        select(QuotaRule)
        .where(col(QuotaRule.tenant_id).in_(tenant_ids), QuotaRule.is_active)
        .order_by(col(QuotaRule.id))
    ).all()
    remember(session, RULES, {t: [r for r in rules if r.tenant_id == t] for t in tenant_ids})
    remember(session, TAGS, _tags(session, items))


def _applies(rule: QuotaRule, person: User, roles: list[int]) -> bool:
    """rules_for's condition, in Python, for the rules of a batch."""
    kind = rule.subject_kind
    return (
        kind == QuotaSubject.tenant.value
        or (kind == QuotaSubject.user.value and rule.subject_id == person.id)
        or (
            kind == QuotaSubject.department.value
            and person.department_id is not None
            and rule.subject_id == person.department_id
        )
        or (kind == QuotaSubject.role.value and rule.subject_id in roles)
    )


def rules_for(session: Session, person: User) -> list[QuotaRule]:
    """The active rules that apply to this person."""
    batch = (memo_of(session, RULES) or {}).get(person.tenant_id)
    if batch is not None:
        roles = _role_ids(session, person)
        return [rule for rule in batch if _applies(rule, person, roles)]
    subject = [col(QuotaRule.subject_kind) == QuotaSubject.tenant.value]
    subject.append(
        (col(QuotaRule.subject_kind) == QuotaSubject.user.value)
        & (col(QuotaRule.subject_id) == person.id)
    )
    if person.department_id is not None:
        subject.append(
            (col(QuotaRule.subject_kind) == QuotaSubject.department.value)
            & (col(QuotaRule.subject_id) == person.department_id)
        )
    roles = _role_ids(session, person)
    if roles:
        subject.append(
            (col(QuotaRule.subject_kind) == QuotaSubject.role.value)
            & (col(QuotaRule.subject_id).in_(roles))
        )
    statement = scoped_select(QuotaRule, TenantScope.single(person.tenant_id)).where(
        QuotaRule.is_active, or_(*subject)
    )
    return list(session.exec(statement.order_by(col(QuotaRule.id))))


def _holder(rule: QuotaRule, person: User) -> int:
    """Department rules are a shared budget; every other rule counts per person."""
    if rule.subject_kind == QuotaSubject.department.value:
        return person.department_id or 0
    return pk(person)


def _usage(session: Session, rule: QuotaRule, holder: int, start: date) -> QuotaUsage | None:
    return session.exec(
        select(QuotaUsage).where(
            QuotaUsage.rule_id == rule.id,
            QuotaUsage.holder_id == holder,
            QuotaUsage.period_start == start,
        )
    ).first()


def _used(usage: QuotaUsage | None, rule: QuotaRule) -> int:
    if usage is None:
        return 0
    return (
        usage.used_cost_cents if rule.limit_kind == QuotaLimitKind.cost.value else usage.used_count
    )


def blocking_rule(session: Session, person: User, now: datetime) -> QuotaRule | None:
    """A used-up rule that keeps the door shut until the period ends (or an approval)."""
    tz = session.get_one(Tenant, person.tenant_id).timezone
    for rule in rules_for(session, person):
        if rule.over_policy not in BLOCKING:
            continue
        usage = _usage(session, rule, _holder(rule, person), period_start(rule.period, now, tz))
        if _used(usage, rule) >= rule.limit_value:
            return rule
    return None


@dataclass(frozen=True)
class Standing:
    rule: QuotaRule
    used: int  # units, or fen for a cost limit
    left: int
    period_start: date


def standing(session: Session, person: User, now: datetime) -> list[Standing]:
    """Every rule over this person with what is used and left in its current period (what the
    phone shows as 额度)."""
    tz = session.get_one(Tenant, person.tenant_id).timezone
    out = []
    for rule in rules_for(session, person):
        start = period_start(rule.period, now, tz)
        used = _used(_usage(session, rule, _holder(rule, person), start), rule)
        out.append(Standing(rule, used, max(rule.limit_value - used, 0), start))
    return out


def _tags(session: Session, items: Iterable[Item]) -> dict[int, set[int]]:
    ids = [pk(i) for i in items]
    known = memo_of(session, TAGS) or {}
    if ids and all(i in known for i in ids):
        return {i: set(known[i]) for i in ids}
    out: dict[int, set[int]] = {i: set() for i in ids}
    for link in session.exec(select(ItemTag).where(col(ItemTag.item_id).in_(ids))):
        out[link.item_id].add(link.tag_id)
    return out


def _matches(rule: QuotaRule, item: Item, tags: set[int]) -> bool:
    if rule.target_kind == "all":
        return True
    if rule.target_kind == "item":
        return item.id == rule.target_id
    if rule.target_kind == "item_type":
        return item.type_id == rule.target_id
    return rule.target_id in tags


def _add(
    session: Session, rule: QuotaRule, holder: int, start: date, count: int, cost: int
) -> QuotaUsage:
    """used += (count, cost) in one statement: concurrent commits never lose a count. A
    correction may subtract: the new row's values (checked before the conflict is seen) and the
    sums never go below zero."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    new_count = col(QuotaUsage.used_count) + count
    new_cost = col(QuotaUsage.used_cost_cents) + cost
    statement = (
        module.insert(QuotaUsage)
        .values(
            tenant_id=rule.tenant_id,
            rule_id=rule.id,
            holder_id=holder,
            period_start=start,
            used_count=max(count, 0),
            used_cost_cents=max(cost, 0),
        )
        .on_conflict_do_update(
            index_elements=["rule_id", "holder_id", "period_start"],
            set_={
                "used_count": case((new_count < 0, 0), else_=new_count),
                "used_cost_cents": case((new_cost < 0, 0), else_=new_cost),
            },
        )
        .returning(QuotaUsage.id)
    )
    usage_id = session.exec(statement).scalar_one()
    usage = session.get_one(QuotaUsage, usage_id, populate_existing=True)
    return usage


def record_usage(session: Session, person: User, taken: list[Taken], at: datetime) -> list[Overrun]:
    """Count a withdrawal against every rule it falls under; the rules it took over the limit."""
    tz = session.get_one(Tenant, person.tenant_id).timezone
    tags = _tags(session, [t.item for t in taken])
    overruns = []
    for rule in rules_for(session, person):
        lines = [t for t in taken if _matches(rule, t.item, tags[pk(t.item)])]
        if not lines:
            continue
        count = sum(t.quantity for t in lines)
        cost = sum(t.quantity * t.item.unit_cost_cents for t in lines)
        start = period_start(rule.period, at, tz)
        used = _used(_add(session, rule, _holder(rule, person), start, count, cost), rule)
        if used > rule.limit_value:
            overruns.append(Overrun(rule, used, rule.over_policy, start))
    return overruns
