"""Quota rules in the console: described in words, created field by field (the first wrong
field named; nothing of another tenant usable), switched on and off; audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.auth.models import Role
from app.core.errors import ValidationError
from app.core.records import Actor
from app.core.tenancy import TenantScope
from app.items.models import ItemType
from app.org.models import Department
from app.quotas import console
from tests.factories import make_tenant

ADMIN = Actor(account_id=None, name="管理员")


def _rule(**overrides) -> dict:
    return {
        "name": "每月文具",
        "subject_kind": "tenant",
        "subject_id": None,
        "target_kind": "all",
        "target_id": None,
        "period": "month",
        "limit_kind": "count",
        "limit_value": 10,
        "over_policy": "require_approval",
    } | overrides


def test_rules_are_created_checked_described_and_switched(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    department = Department(tenant_id=tenant.id, name="研发部")
    theirs = Department(tenant_id=other.id, name="别家部门")
    stationery = ItemType(tenant_id=tenant.id, name="文具")
    their_role = Role(tenant_id=other.id, code="their", name="别家角色")
    session.add_all([department, theirs, stationery, their_role])
    session.flush()

    def create(**overrides):
        return console.create_rule(
            session=session, scope=scope, tenant_id=tenant.id, actor=ADMIN, **_rule(**overrides)
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
