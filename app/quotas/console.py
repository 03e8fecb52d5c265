"""Quota rules as the console shows and changes them: every rule of the scope described in words
(who it binds, what it counts, per what period, the limit, what happens over it), a new rule
checked field by field, and a rule switched on or off — all audited. The rules themselves are
applied by app/quotas/service.py at the door and at commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.auth.models import Role
from app.core.errors import ValidationError
from app.core.records import Actor, choice, owned_id, record_created, update_scoped
from app.core.tenancy import TenantScope, get_scoped, scope_filter
from app.core.text import refuse_unsafe
from app.items.models import Item, ItemType, Tag
from app.org.models import Department, User
from app.quotas.models import (
    OverQuotaPolicy,
    QuotaLimitKind,
    QuotaPeriod,
    QuotaRule,
    QuotaSubject,
    QuotaTarget,
)

RULES_LISTED = 200
SUBJECT_MODELS = {"department": Department, "user": User}
TARGET_MODELS = {"item": Item, "item_type": ItemType, "tag": Tag}


@dataclass(frozen=True)
class RuleView:
    id: int
    name: str
    subject_kind: str
    subject: str
    target_kind: str
    target: str
    period: str
    limit_kind: str
    limit_value: int
    over_policy: str
    is_active: bool


def _name(session: Session, model, row_id: int | None) -> str:
    row = session.get(model, row_id) if row_id else None
    return getattr(row, "name", "") if row else ""


def list_rules(*, session: Session, scope: TenantScope) -> list[RuleView]:
    rules = session.exec(
        select(QuotaRule)
        .where(scope_filter(QuotaRule, scope))
        .order_by(QuotaRule.is_active.desc(), QuotaRule.id)
        .limit(RULES_LISTED)
    ).all()
    views = []
    for r in rules:
        subject_model = SUBJECT_MODELS.get(
            r.subject_kind, Role if r.subject_kind == "role" else None
        )
        views.append(
            RuleView(
                r.id,
                r.name,
                r.subject_kind,
                _name(session, subject_model, r.subject_id) if subject_model else "",
                r.target_kind,
                _name(session, TARGET_MODELS[r.target_kind], r.target_id)
                if r.target_kind in TARGET_MODELS
                else "",
                r.period,
                r.limit_kind,
                r.limit_value,
                r.over_policy,
                r.is_active,
            )
        )
    return views


def create_rule(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    name: str,
    subject_kind: str,
    subject_id: int | None,
    target_kind: str,
    target_id: int | None,
    period: str,
    limit_kind: str,
    limit_value: int,
    over_policy: str,
    actor: Actor,
) -> QuotaRule:
    """A new rule; the first field that is wrong is named. Limits in units or in fen."""
    if not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(field="name")
    refuse_unsafe(name, "name")
    subject_kind = choice(subject_kind, QuotaSubject, "subject_kind")
    if subject_kind == "tenant":
        subject_id = None
    elif subject_kind == "role":
        subject_id = owned_id(session, Role, subject_id, tenant_id, "subject")
    else:
        subject_id = owned_id(
            session, SUBJECT_MODELS[subject_kind], subject_id, tenant_id, "subject"
        )
    target_kind = choice(target_kind, QuotaTarget, "target_kind")
    if target_kind == "all":
        target_id = None
    else:
        target_id = owned_id(session, TARGET_MODELS[target_kind], target_id, tenant_id, "target")
    if not isinstance(limit_value, int) or not 0 < limit_value <= 10_000_000:
        raise ValidationError(field="limit_value")
    rule = QuotaRule(
        tenant_id=tenant_id,
        name=name,
        subject_kind=subject_kind,
        subject_id=subject_id,
        target_kind=target_kind,
        target_id=target_id,
        period=choice(period, QuotaPeriod, "period"),
        limit_kind=choice(limit_kind, QuotaLimitKind, "limit_kind"),
        limit_value=limit_value,
        over_policy=choice(over_policy, OverQuotaPolicy, "over_policy"),
    )
    session.add(rule)
    session.flush()
    record_created(session, rule, actor=actor)
    return rule


def set_active(
    *, session: Session, scope: TenantScope, rule_id: int, active: bool, actor: Actor
) -> QuotaRule:
    if get_scoped(session, QuotaRule, rule_id, scope) is None:
        raise ValidationError(field="rule")
    return update_scoped(session, QuotaRule, rule_id, scope, {"is_active": active}, actor=actor)


def subject_options(*, session: Session, scope: TenantScope) -> dict[str, list[tuple[int, str]]]:
    """What a new rule may bind and count: departments, roles; items, types, tags."""

    def named(model) -> list[tuple[int, str]]:
        rows = session.exec(
            select(model.id, model.name).where(scope_filter(model, scope)).order_by(model.name)
        ).all()
        return [(i, n) for i, n in rows]

    visible = Role.tenant_id.is_(None)  # built-in roles, and the scope's own
    if scope.tenant_ids is not None:
        visible = visible | Role.tenant_id.in_(sorted(scope.tenant_ids))
    else:
        visible = visible | Role.tenant_id.is_not(None)
    roles = session.exec(select(Role.id, Role.name).where(visible).order_by(Role.name)).all()
    return {
        "department": named(Department),
        "role": [(i, n) for i, n in roles],
        "item": named(Item),
        "item_type": named(ItemType),
        "tag": named(Tag),
    }
