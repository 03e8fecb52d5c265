"""The department tree of a tenant: create, rename, move, merge, disable.

Each department keeps its materialised path ('/1/4/9/'), so a subtree is one indexed prefix
query. Every change is scoped to the caller's tenants and audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.audit.services.records import Actor, record_created, update_scoped
from app.core.errors import DomainError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.core.text import refuse_unsafe
from app.org.models import Department, DepartmentManager, PhoneWhitelist, User

MAX_NAME = 60


@dataclass(frozen=True)
class DepartmentNode:
    id: int
    parent_id: int | None
    name: str
    path: str
    depth: int
    is_active: bool
    people: int


def clean_department_name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > MAX_NAME:
        raise ValidationError(field="name")
    return refuse_unsafe(cleaned, "department")


def _refuse_sibling_clash(
    session: Session, tenant_id: int, parent_id: int | None, name: str, own_id: int | None = None
) -> None:
    clash = session.exec(
        select(Department.id).where(
            Department.tenant_id == tenant_id,
            Department.parent_id == parent_id if parent_id else col(Department.parent_id).is_(None),
            Department.name == name,
        )
    ).first()
    if clash is not None and clash != own_id:
        raise DomainError("org.dept_name_taken", name=name)


def create_department(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    name: str,
    parent_id: int | None = None,
    actor: Actor,
) -> Department:
    scope.require(tenant_id)
    name = clean_department_name(name)
    parent = None
    if parent_id is not None:
        parent = get_scoped_or_raise(session, Department, parent_id, TenantScope.single(tenant_id))
    _refuse_sibling_clash(session, tenant_id, parent_id, name)
    department = Department(tenant_id=tenant_id, parent_id=parent_id, name=name)
    session.add(department)
    session.flush()
    department.path = f"{parent.path if parent else '/'}{department.id}/"
    session.flush()
    record_created(session, department, actor=actor)
    return department


def rename_department(
    *, session: Session, scope: TenantScope, department_id: int, name: str, actor: Actor
) -> Department:
    department = get_scoped_or_raise(session, Department, department_id, scope)
    name = clean_department_name(name)
    _refuse_sibling_clash(session, department.tenant_id, department.parent_id, name, department.id)
    return update_scoped(session, Department, department_id, scope, {"name": name}, actor=actor)


def move_department(
    *,
    session: Session,
    scope: TenantScope,
    department_id: int,
    new_parent_id: int | None,
    actor: Actor,
) -> Department:
    """Re-hang a subtree under another department (or at the top); never under itself."""
    department = get_scoped_or_raise(session, Department, department_id, scope)
    own = TenantScope.single(department.tenant_id)
    new_prefix = "/"
    if new_parent_id is not None:
        parent = get_scoped_or_raise(session, Department, new_parent_id, own)
        if parent.path.startswith(department.path):
            raise DomainError("org.dept_move_into_itself")
        new_prefix = parent.path
    _refuse_sibling_clash(
        session, department.tenant_id, new_parent_id, department.name, department.id
    )
    old_path = department.path
    new_path = f"{new_prefix}{department.id}/"
    update_scoped(
        session,
        Department,
        department_id,
        own,
        {"parent_id": new_parent_id, "path": new_path},
        actor=actor,
    )
    for child in session.exec(
        scoped_select(Department, own).where(
            Department.path.startswith(old_path), Department.id != department_id
        )
    ):
        child.path = new_path + child.path[len(old_path) :]
    session.flush()
    return department


def merge_departments(
    *, session: Session, scope: TenantScope, source_id: int, target_id: int, actor: Actor
) -> Department:
    """Move the people, sub-departments and managers of `source` into `target`, then disable
    `source` (kept, so history that names it still reads)."""
    if source_id == target_id:
        raise DomainError("org.dept_merge_same")
    source = get_scoped_or_raise(session, Department, source_id, scope)
    own = TenantScope.single(source.tenant_id)
    target = get_scoped_or_raise(session, Department, target_id, own)
    if target.path.startswith(source.path):
        raise DomainError("org.dept_move_into_itself")
    for child in list(
        session.exec(scoped_select(Department, own).where(Department.parent_id == source_id))
    ):
        move_department(
            session=session,
            scope=own,
            department_id=pk(child),
            new_parent_id=target_id,
            actor=actor,
        )
    for model in (User, PhoneWhitelist):
        session.exec(
            update(model)
            .where(col(model.tenant_id) == source.tenant_id, col(model.department_id) == source_id)
            .values(department_id=target_id)
        )
    existing = set(
        session.exec(
            select(DepartmentManager.user_id).where(DepartmentManager.department_id == target_id)
        )
    )
    for manager in list(
        session.exec(
            scoped_select(DepartmentManager, own).where(
                DepartmentManager.department_id == source_id
            )
        )
    ):
        if manager.user_id in existing:
            session.delete(manager)
        else:
            manager.department_id = target_id
    session.flush()
    update_scoped(session, Department, source_id, own, {"is_active": False}, actor=actor)
    return target


def set_department_active(
    *, session: Session, scope: TenantScope, department_id: int, active: bool, actor: Actor
) -> Department:
    """Disable a department (refused while active people sit in it or below) or enable it."""
    department = get_scoped_or_raise(session, Department, department_id, scope)
    own = TenantScope.single(department.tenant_id)
    if not active:
        subtree = select(Department.id).where(
            Department.tenant_id == department.tenant_id,
            Department.path.startswith(department.path),
        )
        people = session.exec(
            scoped_select(User, own).where(col(User.department_id).in_(subtree), User.is_active)
        ).first()
        if people is not None:
            raise DomainError("org.dept_has_people", name=department.name)
    return update_scoped(
        session, Department, department_id, own, {"is_active": active}, actor=actor
    )


def department_tree(
    *, session: Session, scope: TenantScope, tenant_id: int
) -> list[DepartmentNode]:
    """The whole tree of one tenant in display order (parents before children)."""
    scope.require(tenant_id)
    own = TenantScope.single(tenant_id)
    counts: dict[int, int] = {}
    for department_id in session.exec(
        select(User.department_id).where(User.tenant_id == tenant_id, User.is_active)
    ):
        if department_id is not None:
            counts[department_id] = counts.get(department_id, 0) + 1
    rows = list(session.exec(scoped_select(Department, own)))
    # active people in a department and everything below it (a manager's view of "my org")
    totals = [(row.path, counts.get(pk(row), 0)) for row in rows]
    by_parent: dict[int | None, list[Department]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[DepartmentNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for row in sorted(by_parent.get(parent_id, []), key=lambda d: (d.sort_order, d.name)):
            ordered.append(
                DepartmentNode(
                    pk(row),
                    row.parent_id,
                    row.name,
                    row.path,
                    depth,
                    row.is_active,
                    sum(n for path, n in totals if path.startswith(row.path)),
                )
            )
            walk(row.id, depth + 1)

    walk(None, 0)
    return ordered


def department_paths(*, session: Session, tenant_id: int) -> dict[str, int]:
    """'研发中心/测试组' -> id for every active department (what import files name)."""
    rows = list(
        session.exec(
            scoped_select(Department, TenantScope.single(tenant_id)).where(Department.is_active)
        )
    )
    by_id = {row.id: row for row in rows}
    paths: dict[str, int] = {}
    for row in rows:
        names = [by_id[int(i)].name for i in row.path.strip("/").split("/") if int(i) in by_id]
        paths["/".join(names)] = pk(row)
    return paths
