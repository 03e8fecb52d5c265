"""Quota rules as the console shows and changes them: every rule of the scope described in words
(who it binds, what it counts, per what period, the limit, what happens over it), a new or
changed rule checked field by field, a rule switched on or off, and a never-used rule deleted —
all audited. The rules themselves are
applied by app/quotas/services/quotas.py at the door and at commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, SQLModel, col, select

from app.audit.services.records import (
    Actor,
    choice,
    delete_scoped,
    owned_id,
    record_created,
    update_scoped,
)
from app.auth.models import Role
from app.auth.services.catalogue import role_label
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.i18n import DEFAULT_LOCALE
from app.core.model_base import keyed, pk
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
    QuotaUsage,
)

RULES_LISTED = 200
SUBJECT_MODELS: dict[str, type[SQLModel]] = {"department": Department, "user": User}
TARGET_MODELS: dict[str, type[SQLModel]] = {"item": Item, "item_type": ItemType, "tag": Tag}


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
    subject_id: int | None = None
    target_id: int | None = None
    used: bool = False  # something was counted against it: it can be switched off, not deleted


def _name(
    session: Session, model: type[SQLModel], row_id: int | None, locale: str = DEFAULT_LOCALE
) -> str:
    row = session.get(model, row_id) if row_id else None
    if isinstance(row, Role):
        return role_label(row, locale)
    return getattr(row, "name", "") if row else ""


def list_rules(
    *, session: Session, scope: TenantScope, locale: str = DEFAULT_LOCALE
) -> list[RuleView]:
    rules = session.exec(
        select(QuotaRule)
        .where(scope_filter(QuotaRule, scope))
        .order_by(col(QuotaRule.is_active).desc(), col(QuotaRule.id))
        .limit(RULES_LISTED)
    ).all()
    used = set(
        session.exec(
            select(QuotaUsage.rule_id)
            .where(col(QuotaUsage.rule_id).in_([r.id for r in rules]))
            .distinct()
        )
    )
    views = []
    for r in rules:
        subject_model = SUBJECT_MODELS.get(
            r.subject_kind, Role if r.subject_kind == "role" else None
        )
        views.append(
            RuleView(
                pk(r),
                r.name,
                r.subject_kind,
                _name(session, subject_model, r.subject_id, locale) if subject_model else "",
                r.target_kind,
                _name(session, TARGET_MODELS[r.target_kind], r.target_id)
                if r.target_kind in TARGET_MODELS
                else "",
                r.period,
                r.limit_kind,
                r.limit_value,
                r.over_policy,
                r.is_active,
                r.subject_id,
                r.target_id,
                r.id in used,
            )
        )
    return views


@dataclass(frozen=True)
class RuleFields:
    """What a person sets on a rule (the same for a new rule and a changed one)."""

    name: str
    subject_kind: str
    subject_id: int | None
    target_kind: str
    target_id: int | None
    period: str
    limit_kind: str
    limit_value: int
    over_policy: str


def _checked(session: Session, tenant_id: int, fields: RuleFields) -> dict[str, Any]:
    """The rule's columns when every field is right; else the first wrong field is named."""
    name = (fields.name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(field="name")
    refuse_unsafe(name, "name")
    subject_kind = choice(fields.subject_kind, QuotaSubject, "subject_kind")
    subject_id = None
    if subject_kind == "role":
        subject_id = owned_id(session, Role, fields.subject_id, tenant_id, "subject")
    elif subject_kind != "tenant":
        model = SUBJECT_MODELS[subject_kind]
        subject_id = owned_id(session, model, fields.subject_id, tenant_id, "subject")
    target_kind = choice(fields.target_kind, QuotaTarget, "target_kind")
    target_id = None
    if target_kind != "all":
        model = TARGET_MODELS[target_kind]
        target_id = owned_id(session, model, fields.target_id, tenant_id, "target")
    limit_value = fields.limit_value
    if not isinstance(limit_value, int) or not 0 < limit_value <= 10_000_000:
        raise ValidationError(field="limit_value")
    return {
        "name": name,
        "subject_kind": subject_kind,
        "subject_id": subject_id,
        "target_kind": target_kind,
        "target_id": target_id,
        "period": choice(fields.period, QuotaPeriod, "period"),
        "limit_kind": choice(fields.limit_kind, QuotaLimitKind, "limit_kind"),
        "limit_value": limit_value,
        "over_policy": choice(fields.over_policy, OverQuotaPolicy, "over_policy"),
    }


def create_rule(
    *, session: Session, scope: TenantScope, tenant_id: int, fields: RuleFields, actor: Actor
) -> QuotaRule:
    """A new rule; the first field that is wrong is named. Limits in units or in fen."""
    if not scope.allows(tenant_id):
        raise ValidationError(field="tenant")
    rule = QuotaRule(tenant_id=tenant_id, **_checked(session, tenant_id, fields))
    session.add(rule)
    session.flush()
    record_created(session, rule, actor=actor)
    return rule


def _rule_or_raise(session: Session, scope: TenantScope, rule_id: int) -> QuotaRule:
    """The scope's rule; another tenant's rule is as absent as a rule that never was."""
    rule = get_scoped(session, QuotaRule, rule_id, scope)
    if rule is None:
        raise NotFoundError(entity="quota_rule", id=rule_id)
    return rule


def get_rule(*, session: Session, scope: TenantScope, rule_id: int) -> QuotaRule:
    return _rule_or_raise(session, scope, rule_id)


def update_rule(
    *, session: Session, scope: TenantScope, rule_id: int, fields: RuleFields, actor: Actor
) -> QuotaRule:
    """Change every field of a rule (checked as a new one; audited with before and after).

    Usage already counted stays with the rule: a changed limit applies to the period in course.
    """
    rule = _rule_or_raise(session, scope, rule_id)
    changes = _checked(session, rule.tenant_id, fields)
    return update_scoped(session, QuotaRule, rule_id, scope, changes, actor=actor)


def is_used(session: Session, rule_id: int) -> bool:
    """Has any withdrawal been counted against the rule (its usage is history reports read)?"""
    return (
        session.exec(select(QuotaUsage.id).where(QuotaUsage.rule_id == rule_id)).first() is not None
    )


def delete_rule(*, session: Session, scope: TenantScope, rule_id: int, actor: Actor) -> None:
    """Delete a rule nothing was ever counted against (audited). A used rule is refused: its
    usage rows would go with it (ON DELETE CASCADE) and the quota report would lose them, so
    such a rule is switched off instead."""
    _rule_or_raise(session, scope, rule_id)
    if is_used(session, rule_id):
        raise DomainError("quotas.in_use")
    delete_scoped(session, QuotaRule, rule_id, scope, actor=actor)


def set_active(
    *, session: Session, scope: TenantScope, rule_id: int, active: bool, actor: Actor
) -> QuotaRule:
    if get_scoped(session, QuotaRule, rule_id, scope) is None:
        raise ValidationError(field="rule")
    return update_scoped(session, QuotaRule, rule_id, scope, {"is_active": active}, actor=actor)


def subject_options(
    *, session: Session, scope: TenantScope, locale: str = DEFAULT_LOCALE
) -> dict[str, list[tuple[int, str]]]:
    """What a new rule may bind and count: departments, roles; items, types, tags."""

    def named(model: type[Department | Item | ItemType | Tag]) -> list[tuple[int, str]]:
        rows = session.exec(
            select(model.id, model.name).where(scope_filter(model, scope)).order_by(model.name)
        ).all()
        return keyed(rows)

    visible: ColumnElement[bool] = col(Role.tenant_id).is_(None)  # built-in, the scope's own
    if scope.tenant_ids is not None:
        visible = visible | col(Role.tenant_id).in_(sorted(scope.tenant_ids))
    else:
        visible = visible | col(Role.tenant_id).is_not(None)
    roles = [(pk(r), role_label(r, locale)) for r in session.exec(select(Role).where(visible))]
    return {
        "department": named(Department),
        "role": sorted(roles, key=lambda role: role[1]),
        "item": named(Item),
        "item_type": named(ItemType),
        "tag": named(Tag),
    }
