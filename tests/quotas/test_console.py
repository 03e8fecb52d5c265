"""Quota rules in the console: described in words, created field by field (the first wrong
field named; nothing of another tenant usable), switched on and off, changed, and deleted only
while nothing was counted against them; audited, and another tenant's rule is never found."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.models import Role
from app.core.errors import DomainError, NotFoundError, ValidationError
from app.core.tenancy import TenantScope
from app.quotas.services import console
from tests.factories import make_department, make_item_type, make_quota_usage, make_tenant

ADMIN = Actor(account_id=None, name="管理员")


def _rule(**overrides) -> console.RuleFields:
    return console.RuleFields(
        **{
            "name": "每月文具",
            "subject_kind": "tenant",
            "subject_id": None,
            "target_kind": "all",
            "target_id": None,
            "period": "month",
            "limit_kind": "count",
            "limit_value": 10,
            "over_policy": "require_approval",
        }
        | overrides
    )


def test_rules_are_created_checked_described_and_switched(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    department = make_department(session, tenant, "研发部")
    theirs = make_department(session, other, "别家部门")
    stationery = make_item_type(session, tenant, "文具")
    their_role = Role(tenant_id=other.id, code="their", name="别家角色")
    session.add(their_role)
    session.flush()

    def create(**overrides):
        return console.create_rule(
            session=session,
            scope=scope,
            tenant_id=tenant.id,
            actor=ADMIN,
            fields=_rule(**overrides),
        )

    for bad, field in (
        ({"name": " "}, "name"),
        ({"subject_kind": "department", "subject_id": theirs.id}, "subject"),
        ({"subject_kind": "role", "subject_id": their_role.id}, "subject"),
        ({"target_kind": "item_type", "target_id": None}, "target"),
        ({"period": "year"}, "period"),
        ({"limit_value": 0}, "limit_value"),
        ({"over_policy": "ignore"}, "over_policy"),
    ):
        with pytest.raises(ValidationError) as refused:
            create(**bad)
        assert refused.value.params["field"] == field, bad
    rule = create(
        subject_kind="department",
        subject_id=department.id,
        target_kind="item_type",
        target_id=stationery.id,
        limit_kind="cost",
        limit_value=5000,
    )
    (view,) = console.list_rules(session=session, scope=scope)
    assert (view.subject, view.target, view.limit_value, view.is_active) == (
        "研发部",
        "文具",
        5000,
        True,
    )
    console.set_active(session=session, scope=scope, rule_id=rule.id, active=False, actor=ADMIN)
    assert not console.list_rules(session=session, scope=scope)[0].is_active
    with pytest.raises(ValidationError):
        console.set_active(
            session=session,
            scope=TenantScope.single(other.id),
            rule_id=rule.id,
            active=True,
            actor=ADMIN,
        )
    actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "quota_rule")).all()
    assert sorted(actions) == ["quota_rule.create", "quota_rule.update"]
    offered = console.subject_options(session=session, scope=scope)
    assert "别家角色" not in {name for _, name in offered["role"]}
    assert [name for _, name in offered["department"]] == ["研发部"]


def _rules_of_two_tenants(session: Session):
    tenant, other = make_tenant(session), make_tenant(session)
    department = make_department(session, tenant, "行政部")
    theirs = make_department(session, other, "别家部门")
    rule = console.create_rule(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        fields=_rule(),
        actor=ADMIN,
    )
    return tenant, other, department, theirs, rule


def test_a_rule_is_changed_field_by_field_and_audited(session: Session) -> None:
    tenant, _, department, theirs, rule = _rules_of_two_tenants(session)
    scope = TenantScope.single(tenant.id)
    changed = _rule(
        name="行政部每周",
        subject_kind="department",
        subject_id=department.id,
        period="week",
        limit_kind="cost",
        limit_value=2500,
        over_policy="flag",
    )
    console.update_rule(session=session, scope=scope, rule_id=rule.id, fields=changed, actor=ADMIN)
    (view,) = console.list_rules(session=session, scope=scope)
    assert (view.name, view.subject, view.subject_id, view.period, view.limit_value) == (
        "行政部每周",
        "行政部",
        department.id,
        "week",
        2500,
    )
    for bad, field in (
        ({"subject_kind": "department", "subject_id": theirs.id}, "subject"),
        ({"limit_value": -1}, "limit_value"),
        ({"name": ""}, "name"),
    ):
        with pytest.raises(ValidationError) as refused:
            console.update_rule(
                session=session, scope=scope, rule_id=rule.id, fields=_rule(**bad), actor=ADMIN
            )
        assert refused.value.params["field"] == field
    assert console.get_rule(session=session, scope=scope, rule_id=rule.id).name == "行政部每周"
    log = session.exec(
        select(AuditLog).where(
            AuditLog.action == "quota_rule.update", AuditLog.entity_id == str(rule.id)
        )
    ).one()
    assert (log.before["name"], log.after["name"], log.after["limit_value"]) == (
        "每月文具",
        "行政部每周",
        2500,
    )


def test_another_tenants_rule_is_not_found(session: Session) -> None:
    tenant, other, _, _, rule = _rules_of_two_tenants(session)
    theirs = TenantScope.single(other.id)
    with pytest.raises(NotFoundError):
        console.update_rule(
            session=session, scope=theirs, rule_id=rule.id, fields=_rule(name="改名"), actor=ADMIN
        )
    with pytest.raises(NotFoundError):
        console.delete_rule(session=session, scope=theirs, rule_id=rule.id, actor=ADMIN)
    with pytest.raises(NotFoundError):
        console.get_rule(session=session, scope=theirs, rule_id=rule.id)
    mine = TenantScope.single(tenant.id)
    assert console.get_rule(session=session, scope=mine, rule_id=rule.id).name == "每月文具"


def test_only_a_rule_never_counted_against_is_deleted(session: Session) -> None:
    tenant, _, _, _, used = _rules_of_two_tenants(session)
    scope = TenantScope.single(tenant.id)
    unused = console.create_rule(
        session=session, scope=scope, tenant_id=tenant.id, fields=_rule(name="试用"), actor=ADMIN
    )
    make_quota_usage(session, used, 1, date(2026, 3, 1), used_count=3)
    views = {v.name: v.used for v in console.list_rules(session=session, scope=scope)}
    assert views == {"每月文具": True, "试用": False}
    with pytest.raises(DomainError) as refused:
        console.delete_rule(session=session, scope=scope, rule_id=used.id, actor=ADMIN)
    assert refused.value.key == "quotas.in_use"
    console.delete_rule(session=session, scope=scope, rule_id=unused.id, actor=ADMIN)
    assert [v.name for v in console.list_rules(session=session, scope=scope)] == ["每月文具"]
    deleted = session.exec(select(AuditLog).where(AuditLog.action == "quota_rule.delete")).one()
    assert (deleted.entity_id, deleted.before["name"]) == (str(unused.id), "试用")
