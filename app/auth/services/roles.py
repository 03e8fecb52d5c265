"""Roles and their permissions: the built-in templates (read-only) and a tenant's custom roles.

A tenant admin makes a custom role from a template and ticks permissions in the matrix. Nobody
can put into a role a permission they do not hold themselves, and tenant roles never carry
platform or provider permissions. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.audit.services import audit
from app.audit.services.records import Actor, record_created
from app.auth.models import GrantScope, Permission, Role, RoleGrant, RolePermission
from app.auth.services.auth import ensure_permissions
from app.auth.services.catalogue import PERMISSIONS
from app.core.errors import DomainError, PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.core.text import refuse_unsafe
from app.org.models import User

PLATFORM_ONLY = ("tenant:", "provider:")
PERSONAL = "self:"  # using a cabinet oneself: anyone who manages roles may hand it out


def _may_give(permission: str, holder_permissions: frozenset[str]) -> bool:
    return permission.startswith(PERSONAL) or permission in holder_permissions


MAX_NAME = 60


@dataclass(frozen=True)
class RoleColumn:
    id: int
    code: str
    name: str
    builtin: bool
    permissions: frozenset[str]


@dataclass(frozen=True)
class RoleMatrix:
    modules: list[tuple[str, list[str]]]  # (module, [permission codes]) in catalogue order
    roles: list[RoleColumn]


def _modules() -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for code in PERMISSIONS:
        grouped.setdefault(code.split(":", 1)[0], []).append(code)
    return list(grouped.items())


def _permissions_of(session: Session, role_ids: list[int]) -> dict[int, set[str]]:
    granted: dict[int, set[str]] = {role_id: set() for role_id in role_ids}
    rows = session.exec(
        select(RolePermission.role_id, Permission.code)
        .join(Permission, col(Permission.id) == RolePermission.permission_id)
        .where(col(RolePermission.role_id).in_(role_ids))
    )
    for role_id, code in rows:
        granted[role_id].add(code)
    return granted


def role_matrix(*, session: Session, scope: TenantScope, tenant_id: int | None) -> RoleMatrix:
    """The built-in roles, then the custom roles of `tenant_id` (if one is chosen)."""
    statement = select(Role).where(col(Role.tenant_id).is_(None))
    if tenant_id is not None:
        scope.require(tenant_id)
        statement = select(Role).where(
            (col(Role.tenant_id).is_(None)) | (Role.tenant_id == tenant_id)
        )
    roles = list(session.exec(statement.order_by(col(Role.is_builtin).desc(), col(Role.id))))
    granted = _permissions_of(session, [pk(r) for r in roles])
    columns = [
        RoleColumn(pk(r), r.code, r.name, r.is_builtin, frozenset(granted[pk(r)])) for r in roles
    ]
    return RoleMatrix(modules=_modules(), roles=columns)


def _refuse_escalation(permission: str, holder_permissions: frozenset[str]) -> None:
    if permission not in PERMISSIONS:
        raise ValidationError(field="permission")
    if permission.startswith(PLATFORM_ONLY):
        raise DomainError("role.platform_permission", permission=permission)
    if not _may_give(permission, holder_permissions):
        raise PermissionDeniedError("role.not_yours", permission=permission)


def create_custom_role(
    *,
    session: Session,
    scope: TenantScope,
    tenant_id: int,
    name: str,
    template_id: int | None,
    holder_permissions: frozenset[str],
    actor: Actor,
) -> Role:
    """A tenant role starting from a template's permissions (those the creator may give)."""
    scope.require(tenant_id)
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(field="name")
    refuse_unsafe(name, "role")
    if session.exec(select(Role.id).where(Role.tenant_id == tenant_id, Role.name == name)).first():
        raise DomainError("role.name_taken", name=name)
    start: set[str] = set()
    if template_id is not None:
        template = session.get(Role, template_id)
        if template is None or not template.is_builtin:
            raise ValidationError(field="template")
        start = _permissions_of(session, [pk(template)])[pk(template)]
    start = {
        p for p in start if not p.startswith(PLATFORM_ONLY) and _may_give(p, holder_permissions)
    }
    role = Role(tenant_id=tenant_id, code=f"custom_{tenant_id}_{_next_number(session)}", name=name)
    session.add(role)
    session.flush()
    catalogue = ensure_permissions(session=session)
    session.add_all(RolePermission(role_id=pk(role), permission_id=pk(catalogue[p])) for p in start)
    session.flush()
    record_created(session, role, actor=actor)
    return role


def _next_number(session: Session) -> int:
    last = session.exec(select(Role.id).order_by(col(Role.id).desc())).first()
    return (last or 0) + 1


def _custom_role(session: Session, scope: TenantScope, role_id: int) -> Role:
    role = get_scoped_or_raise(session, Role, role_id, scope)
    if role.is_builtin or role.tenant_id is None:
        raise DomainError("role.builtin_readonly")
    return role


def set_role_permission(
    *,
    session: Session,
    scope: TenantScope,
    role_id: int,
    permission: str,
    granted: bool,
    holder_permissions: frozenset[str],
    actor: Actor,
) -> None:
    """Tick or untick one cell of the matrix (custom roles only)."""
    role = _custom_role(session, scope, role_id)
    _refuse_escalation(permission, holder_permissions)
    catalogue = ensure_permissions(session=session)
    link = session.get(RolePermission, (role.id, catalogue[permission].id))
    if granted == (link is not None):
        return
    if granted:
        session.add(RolePermission(role_id=pk(role), permission_id=pk(catalogue[permission])))
    else:
        session.delete(link)
    session.flush()
    audit.record(
        session=session,
        action="role.update",
        entity="role",
        entity_id=role.id,
        tenant_id=role.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before={permission: not granted},
        after={permission: granted},
        ip=actor.ip,
    )


def delete_custom_role(*, session: Session, scope: TenantScope, role_id: int, actor: Actor) -> None:
    """Remove a custom role nobody holds any more."""
    role = _custom_role(session, scope, role_id)
    if session.exec(select(RoleGrant.id).where(RoleGrant.role_id == role.id)).first():
        raise DomainError("role.in_use", name=role.name)
    session.exec(delete(RolePermission).where(col(RolePermission.role_id) == role.id))
    before = {"name": role.name, "code": role.code}
    session.delete(role)
    session.flush()
    audit.record(
        session=session,
        action="role.delete",
        entity="role",
        entity_id=role_id,
        tenant_id=role.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        before=before,
        ip=actor.ip,
    )


TENANT_BUILTINS = ("tenant_admin", "department_manager", "employee")


def assignable_roles(*, session: Session, tenant_id: int) -> list[Role]:
    """Roles a person of this tenant can hold: the tenant-level built-ins and custom roles."""
    statement = select(Role).where(
        (col(Role.tenant_id) == tenant_id)
        | (col(Role.tenant_id).is_(None) & col(Role.code).in_(TENANT_BUILTINS))
    )
    return list(session.exec(statement.order_by(col(Role.is_builtin).desc(), col(Role.id))))


def roles_of_user(*, session: Session, scope: TenantScope, user_id: int) -> set[int]:
    user = get_scoped_or_raise(session, User, user_id, scope)
    if user.account_id is None:
        return set()
    return set(
        session.exec(
            select(RoleGrant.role_id).where(
                RoleGrant.account_id == user.account_id, RoleGrant.tenant_id == user.tenant_id
            )
        )
    )


def set_user_roles(
    *,
    session: Session,
    scope: TenantScope,
    user_id: int,
    role_ids: set[int],
    holder_permissions: frozenset[str],
    actor: Actor,
) -> None:
    """Grant exactly `role_ids` in the person's tenant; only roles whose every permission the
    granting person holds can be given or taken away."""
    user = get_scoped_or_raise(session, User, user_id, scope)
    if user.account_id is None:
        raise DomainError("org.no_account", name=user.name)
    allowed = {r.id: r for r in assignable_roles(session=session, tenant_id=user.tenant_id)}
    if not role_ids <= allowed.keys():
        raise ValidationError(field="role")
    current = roles_of_user(session=session, scope=scope, user_id=user_id)
    changed = role_ids ^ current
    granted = _permissions_of(session, list(changed))
    for role_id in changed:
        if not all(_may_give(p, holder_permissions) for p in granted[role_id]):
            raise PermissionDeniedError("role.not_yours", permission=allowed[role_id].name)
    for role_id in role_ids - current:
        session.add(
            RoleGrant(
                account_id=user.account_id,
                role_id=role_id,
                scope=GrantScope.tenant.value,
                tenant_id=user.tenant_id,
            )
        )
    if current - role_ids:
        session.exec(
            delete(RoleGrant).where(
                col(RoleGrant.account_id) == user.account_id,
                col(RoleGrant.tenant_id) == user.tenant_id,
                col(RoleGrant.role_id).in_(current - role_ids),
            )
        )
    session.flush()
    if changed:
        audit.record(
            session=session,
            action="role.grant",
            entity="account",
            entity_id=user.account_id,
            tenant_id=user.tenant_id,
            actor_account_id=actor.account_id,
            actor_name=actor.name,
            before={"roles": sorted(allowed[r].code for r in current)},
            after={"roles": sorted(allowed[r].code for r in role_ids)},
            ip=actor.ip,
        )
