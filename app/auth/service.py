"""Identity rules shared by every caller (roles and permissions so far)."""

from __future__ import annotations

from sqlmodel import Session, select

from app.auth.catalogue import BUILTIN_ROLES, PERMISSIONS
from app.auth.models import Permission, Role, RolePermission


def ensure_permissions(*, session: Session) -> dict[str, Permission]:
    """Make the permission catalogue exist; returns it by code."""
    existing = {p.code: p for p in session.exec(select(Permission))}
    for code in PERMISSIONS:
        if code not in existing:
            existing[code] = Permission(code=code, module=code.split(":", 1)[0])
            session.add(existing[code])
    session.flush()
    return existing


def ensure_builtin_roles(*, session: Session) -> dict[str, Role]:
    """Make the built-in roles and their permissions exist (idempotent); returns them by code."""
    permissions = ensure_permissions(session=session)
    roles = {r.code: r for r in session.exec(select(Role).where(Role.tenant_id.is_(None)))}
    for spec in BUILTIN_ROLES:
        role = roles.get(spec.code)
        if role is None:
            role = roles[spec.code] = Role(code=spec.code, name=spec.name, is_builtin=True)
            session.add(role)
            session.flush()
        granted = set(
            session.exec(
                select(RolePermission.permission_id).where(RolePermission.role_id == role.id)
            )
        )
        for code in spec.permissions:
            if permissions[code].id not in granted:
                session.add(RolePermission(role_id=role.id, permission_id=permissions[code].id))
    session.flush()
    return roles
