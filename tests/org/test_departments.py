"""The department tree: create, rename, move, merge, disable — scoped and audited."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.core.errors import DomainError, NotFoundError
from app.core.tenancy import TenantScope
from app.org.models import Department, User
from app.org.services import departments as svc
from tests.factories import make_tenant, make_user

ADMIN = Actor(account_id=None, name="admin", ip="10.0.0.1")


def _dept(session: Session, tenant, name: str, parent: Department | None = None) -> Department:
    return svc.create_department(
        session=session,
        scope=TenantScope.single(tenant.id),
        tenant_id=tenant.id,
        name=name,
        parent_id=parent.id if parent else None,
        actor=ADMIN,
    )


def test_a_tree_keeps_its_paths_through_moves(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    rd = _dept(session, tenant, "研发中心")
    qa = _dept(session, tenant, "测试组", rd)
    auto = _dept(session, tenant, "自动化", qa)
    ops = _dept(session, tenant, "运营部")
    assert auto.path == f"/{rd.id}/{qa.id}/{auto.id}/"

    svc.move_department(
        session=session, scope=scope, department_id=qa.id, new_parent_id=ops.id, actor=ADMIN
    )
    session.refresh(auto)
    assert auto.path == f"/{ops.id}/{qa.id}/{auto.id}/"
    assert (
        svc.department_paths(session=session, tenant_id=tenant.id)["运营部/测试组/自动化"]
        == auto.id
    )
    with pytest.raises(DomainError) as refused:
        svc.move_department(
            session=session, scope=scope, department_id=ops.id, new_parent_id=auto.id, actor=ADMIN
        )
    assert refused.value.key == "org.dept_move_into_itself"
    tree = svc.department_tree(session=session, scope=scope, tenant_id=tenant.id)
    assert [(n.name, n.depth) for n in tree] == [
        ("研发中心", 0),
        ("运营部", 0),
        ("测试组", 1),
        ("自动化", 2),
    ]


def test_sibling_names_are_unique_and_renames_are_audited(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    a = _dept(session, tenant, "行政部")
    b = _dept(session, tenant, "财务部")
    with pytest.raises(DomainError):
        _dept(session, tenant, "行政部")
    with pytest.raises(DomainError):
        svc.rename_department(
            session=session, scope=scope, department_id=b.id, name="行政部", actor=ADMIN
        )
    svc.rename_department(
        session=session, scope=scope, department_id=a.id, name="综合部", actor=ADMIN
    )
    entry = session.exec(select(AuditLog).where(AuditLog.action == "department.update")).one()
    assert entry.before == {"name": "行政部"} and entry.after == {"name": "综合部"}
    assert entry.tenant_id == tenant.id and entry.ip == "10.0.0.1"


def test_merge_moves_people_and_children_then_disables_the_source(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    old, new = _dept(session, tenant, "市场一部"), _dept(session, tenant, "市场部")
    child = _dept(session, tenant, "华东组", old)
    person = make_user(session, tenant)
    person.department_id = old.id
    session.flush()
    svc.merge_departments(
        session=session, scope=scope, source_id=old.id, target_id=new.id, actor=ADMIN
    )
    session.refresh(person)
    session.refresh(child)
    session.refresh(old)
    assert person.department_id == new.id
    assert child.parent_id == new.id and child.path == f"/{new.id}/{child.id}/"
    assert old.is_active is False


def test_a_department_with_active_people_cannot_be_disabled(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    top = _dept(session, tenant, "销售部")
    sub = _dept(session, tenant, "大客户组", top)
    person = make_user(session, tenant)
    person.department_id = sub.id
    session.flush()
    tree = svc.department_tree(session=session, scope=scope, tenant_id=tenant.id)
    assert [(n.name, n.people) for n in tree] == [("销售部", 1), ("大客户组", 1)]  # subtree
    with pytest.raises(DomainError) as refused:
        svc.set_department_active(
            session=session, scope=scope, department_id=top.id, active=False, actor=ADMIN
        )
    assert refused.value.key == "org.dept_has_people"
    person.is_active = False
    session.flush()
    assert (
        svc.set_department_active(
            session=session, scope=scope, department_id=top.id, active=False, actor=ADMIN
        ).is_active
        is False
    )


def test_another_tenant_cannot_touch_the_tree(session: Session) -> None:
    mine, theirs = make_tenant(session), make_tenant(session)
    dept = _dept(session, mine, "研发中心")
    outsider = TenantScope.single(theirs.id)
    with pytest.raises(NotFoundError):
        svc.rename_department(
            session=session, scope=outsider, department_id=dept.id, name="x", actor=ADMIN
        )
    with pytest.raises(NotFoundError):
        svc.create_department(
            session=session,
            scope=outsider,
            tenant_id=theirs.id,
            name="子部门",
            parent_id=dept.id,
            actor=ADMIN,
        )
    from app.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        svc.department_tree(session=session, scope=outsider, tenant_id=mine.id)
    assert session.get(Department, dept.id).name == "研发中心"
    assert session.exec(select(User)).all() == []
