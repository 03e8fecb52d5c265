"""Custom roles from templates, the matrix, and no way to give what one does not hold."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditLog
from app.audit.services.records import Actor
from app.auth.services import roles as svc
from app.auth.services.auth import ensure_builtin_roles
from app.auth.services.catalogue import BUILTIN_ROLES
from app.core.errors import DomainError, NotFoundError, PermissionDeniedError
from app.core.tenancy import TenantScope
from tests.factories import make_account, make_tenant

ADMIN = Actor(account_id=None, name="admin")
TENANT_ADMIN = frozenset(next(r for r in BUILTIN_ROLES if r.code == "tenant_admin").permissions)


def test_a_custom_role_starts_from_a_template_and_is_edited_in_the_matrix(session: Session) -> None:
    builtins = ensure_builtin_roles(session=session)
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    role = svc.create_custom_role(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        name="仓管员",
        template_id=builtins["department_manager"].id,
        holder_permissions=TENANT_ADMIN,
        actor=ADMIN,
    )
    matrix = svc.role_matrix(session=session, scope=scope, tenant_id=tenant.id)
    column = next(c for c in matrix.roles if c.id == role.id)
    assert "approval:decide" in column.permissions and not column.builtin
    assert [m for m, _ in matrix.modules][:3] == ["dashboard", "tenant", "provider"]
    assert len(matrix.roles) == len(BUILTIN_ROLES) + 1

    svc.set_role_permission(
        session=session,
        scope=scope,
        role_id=role.id,
        permission="stock:adjust",
        granted=True,
        holder_permissions=TENANT_ADMIN,
        actor=ADMIN,
    )
    svc.set_role_permission(
        session=session,
        scope=scope,
        role_id=role.id,
        permission="approval:decide",
        granted=False,
        holder_permissions=TENANT_ADMIN,
        actor=ADMIN,
    )
    column = next(
        c
        for c in svc.role_matrix(session=session, scope=scope, tenant_id=tenant.id).roles
        if c.id == role.id
    )
    assert "stock:adjust" in column.permissions and "approval:decide" not in column.permissions
    changes = session.exec(select(AuditLog).where(AuditLog.action == "role.update")).all()
    assert [c.after for c in changes] == [{"stock:adjust": True}, {"approval:decide": False}]
    # another tenant sees neither the role nor a way to change it
    assert len(
        svc.role_matrix(
            session=session, scope=TenantScope.single(other.id), tenant_id=other.id
        ).roles
    ) == len(BUILTIN_ROLES)
    with pytest.raises(NotFoundError):
        svc.set_role_permission(
            session=session,
            scope=TenantScope.single(other.id),
            role_id=role.id,
            permission="user:read",
            granted=True,
            holder_permissions=TENANT_ADMIN,
            actor=ADMIN,
        )


def test_no_escalation_and_built_ins_are_read_only(session: Session) -> None:
    builtins = ensure_builtin_roles(session=session)
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    role = svc.create_custom_role(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        name="只读",
        template_id=None,
        holder_permissions=frozenset({"user:read"}),
        actor=ADMIN,
    )
    for permission, error in (
        ("audit:unmask", PermissionDeniedError),  # not held by the editor
        ("tenant:write", DomainError),  # never in a tenant role
    ):
        with pytest.raises(error):
            svc.set_role_permission(
                session=session,
                scope=scope,
                role_id=role.id,
                permission=permission,
                granted=True,
                holder_permissions=frozenset({"user:read", "tenant:write"}),
                actor=ADMIN,
            )
    with pytest.raises(DomainError):
        svc.set_role_permission(
            session=session,
            scope=TenantScope.platform(),
            role_id=builtins["employee"].id,
            permission="user:read",
            granted=True,
            holder_permissions=TENANT_ADMIN,
            actor=ADMIN,
        )
    svc.delete_custom_role(session=session, scope=scope, role_id=role.id, actor=ADMIN)
    assert session.exec(select(AuditLog).where(AuditLog.action == "role.delete")).one()


def test_roles_are_granted_to_people_with_accounts_without_escalation(session: Session) -> None:
    from app.auth.models import AccountKind, RoleGrant
    from app.org.services.users import UserFields, create_user

    builtins = ensure_builtin_roles(session=session)
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    account = make_account(session, "grantee", display_name="甲", kind=AccountKind.tenant.value)
    user = create_user(
        session=session, scope=scope, tenant_id=tenant.id, fields=UserFields(name="甲"), actor=ADMIN
    )
    user.account_id = account.id
    session.flush()
    manager, employee = builtins["department_manager"].id, builtins["employee"].id
    svc.set_user_roles(
        session=session,
        scope=scope,
        user_id=user.id,
        role_ids={manager, employee},
        holder_permissions=TENANT_ADMIN,
        actor=ADMIN,
    )
    assert svc.roles_of_user(session=session, scope=scope, user_id=user.id) == {manager, employee}
    svc.set_user_roles(
        session=session,
        scope=scope,
        user_id=user.id,
        role_ids={employee},
        holder_permissions=TENANT_ADMIN,
        actor=ADMIN,
    )
    grants = session.exec(select(RoleGrant).where(RoleGrant.account_id == account.id)).all()
    assert [g.role_id for g in grants] == [employee] and grants[0].tenant_id == tenant.id
    entry = session.exec(select(AuditLog).where(AuditLog.action == "role.grant")).all()[-1]
    assert entry.before == {"roles": ["department_manager", "employee"]}
    assert entry.after == {"roles": ["employee"]}
    # a manager cannot make someone a tenant admin, and platform roles are never assignable
    with pytest.raises(PermissionDeniedError):
        svc.set_user_roles(
            session=session,
            scope=scope,
            user_id=user.id,
            role_ids={employee, builtins["tenant_admin"].id},
            holder_permissions=frozenset(
                next(r for r in BUILTIN_ROLES if r.code == "department_manager").permissions
            ),
            actor=ADMIN,
        )
    from app.core.errors import ValidationError

    with pytest.raises(ValidationError):
        svc.set_user_roles(
            session=session,
            scope=scope,
            user_id=user.id,
            role_ids={builtins["platform_operator"].id},
            holder_permissions=TENANT_ADMIN,
            actor=ADMIN,
        )
