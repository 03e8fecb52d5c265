"""An HR system keeps the org in step through the API: departments and people upserted by the
id that system knows them by (`external_id`), people switched off. The same rules as the
console's forms run underneath (app/org/services/departments.py, services/users.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.audit.services.records import Actor, update_scoped
from app.core.errors import NotFoundError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import Department, User
from app.org.services import departments, users

EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._:@/-]{1,64}$")


def clean_external_id(raw: str | None, field: str = "external_id") -> str:
    value = str(raw or "").strip()
    if not EXTERNAL_ID.match(value):
        raise ValidationError(field=field)
    return value


def _by_external(
    session: Session, model: Any, scope: TenantScope, tenant_id: int, external_id: str
) -> Any:
    return session.exec(
        scoped_select(model, scope).where(
            model.tenant_id == tenant_id, model.external_id == external_id
        )
    ).first()


def department_by_external(
    session: Session, scope: TenantScope, tenant_id: int, external_id: str | None, field: str
) -> Department | None:
    """The department an integration names (None when it names none); unknown: refused."""
    if not external_id:
        return None
    found: Department | None = _by_external(
        session, Department, scope, tenant_id, clean_external_id(external_id)
    )
    if found is None:
        raise ValidationError("org.unknown_department", field=field)
    return found


def upsert_department(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    external_id: str,
    name: str,
    parent_external_id: str | None,
    actor: Actor,
) -> tuple[Department, bool]:
    """The department with this external id, created or brought in line; True if created."""
    scope.require(tenant_id)
    external_id = clean_external_id(external_id)
    parent = department_by_external(session, scope, tenant_id, parent_external_id, "parent")
    parent_id = parent.id if parent else None
    own = TenantScope.single(tenant_id)
    found = _by_external(session, Department, scope, tenant_id, external_id)
    if found is None:
        created = departments.create_department(
            session=session, scope=own, tenant_id=tenant_id, name=name, parent_id=parent_id,
            actor=actor,
        )  # fmt: skip
        update_scoped(
            session, Department, created.id, own, {"external_id": external_id}, actor=actor
        )
        return created, True
    if found.parent_id != parent_id:
        departments.move_department(
            session=session, scope=own, department_id=found.id, new_parent_id=parent_id, actor=actor
        )
    if found.name != name.strip():
        departments.rename_department(
            session=session, scope=own, department_id=found.id, name=name, actor=actor
        )
    if not found.is_active:
        departments.set_department_active(
            session=session, scope=own, department_id=found.id, active=True, actor=actor
        )
    return found, False


@dataclass(frozen=True)
class PersonSpec:
    """What an HR system says about a person; the department by its external id."""

    name: str
    employee_no: str | None = None
    phone: str | None = None
    email: str | None = None
    badge_card_no: str | None = None
    department_external_id: str | None = None
    is_active: bool = True


def upsert_person(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    external_id: str,
    spec: PersonSpec,
    actor: Actor,
) -> tuple[User, bool]:
    """The person with this external id, created or brought in line; True if created."""
    scope.require(tenant_id)
    external_id = clean_external_id(external_id)
    own = TenantScope.single(tenant_id)
    department = department_by_external(
        session, scope, tenant_id, spec.department_external_id, "department"
    )
    fields = users.UserFields(
        name=spec.name,
        employee_no=spec.employee_no,
        phone=spec.phone,
        email=spec.email,
        badge_card_no=spec.badge_card_no,
        department_id=department.id if department else None,
    )
    found = _by_external(session, User, scope, tenant_id, external_id)
    if found is None:
        person = users.create_user(
            session=session, scope=own, tenant_id=tenant_id, fields=fields, actor=actor
        )
        update_scoped(session, User, person.id, own, {"external_id": external_id}, actor=actor)
    else:
        person = users.update_user(
            session=session, scope=own, user_id=found.id, fields=fields, actor=actor
        )
    if person.is_active != spec.is_active:
        users.set_user_active(
            session=session, scope=own, user_id=pk(person), active=spec.is_active, actor=actor
        )
    return person, found is None


def disable_person(
    *, session: Session, scope: TenantScope, tenant_id: int, external_id: str, actor: Actor
) -> User:
    """Switch a person off (their sign-in and sessions too); the row and its history stay."""
    scope.require(tenant_id)
    found = _by_external(session, User, scope, tenant_id, clean_external_id(external_id))
    if found is None:
        raise NotFoundError(entity="User", id=external_id)
    return users.set_user_active(
        session=session, scope=TenantScope.single(tenant_id), user_id=found.id, active=False,
        actor=actor,
    )  # fmt: skip


def departments_of(
    *, session: Session, scope: TenantScope, after_id: int | None, limit: int
) -> tuple[list[Department], int | None]:
    """A page of departments by id (the API's list)."""
    statement = scoped_select(Department, scope).order_by(col(Department.id)).limit(limit + 1)
    if after_id is not None:
        statement = statement.where(col(Department.id) > after_id)
    rows = list(session.exec(statement))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def people_of(
    *, session: Session, scope: TenantScope, after_id: int | None, limit: int
) -> tuple[list[User], dict[int | None, str | None], int | None]:
    """A page of people by id (the API's list), with their departments' external ids."""
    statement = scoped_select(User, scope).order_by(col(User.id)).limit(limit + 1)
    if after_id is not None:
        statement = statement.where(col(User.id) > after_id)
    rows = list(session.exec(statement))
    page = rows[:limit]
    wanted = {r.department_id for r in page if r.department_id}
    externals = dict(
        session.exec(
            select(Department.id, Department.external_id).where(col(Department.id).in_(wanted))
        ).all()
    )
    return page, externals, (page[-1].id if len(rows) > limit else None)
