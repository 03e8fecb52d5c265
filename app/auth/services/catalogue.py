"""The permission catalogue (`module:action`) and the built-in roles that bundle them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.core.i18n import DEFAULT_LOCALE, t

PERMISSIONS: tuple[str, ...] = (
    "dashboard:read",
    "tenant:read",
    "tenant:write",
    "tenant:onboard",
    "provider:read",
    "provider:write",
    "provider:staff",
    "policy:read",
    "policy:write",
    "cabinet:read",
    "cabinet:write",
    "cabinet:command",
    "cabinet:provision",
    "item:read",
    "item:write",
    "stock:read",
    "stock:adjust",
    "withdrawal:read",
    "withdrawal:correct",
    "exception:resolve",
    "dept:read",
    "dept:write",
    "org:sync",
    "user:read",
    "user:write",
    "user:import",
    "whitelist:write",
    "role:read",
    "role:write",
    "quota:read",
    "quota:write",
    "approval:read",
    "approval:decide",
    "approval:configure",
    "workorder:read",
    "workorder:write",
    "alert:read",
    "alert:ack",
    "alert:route",
    "report:read",
    "report:subscribe",
    "audit:read",
    "audit:unmask",
    "wall:manage",
    "apikey:manage",
    "webhook:manage",
    "self:withdraw",
    "self:request",
)

_READS = tuple(p for p in PERMISSIONS if p.endswith(":read"))
_TENANT_ADMIN = tuple(
    p for p in PERMISSIONS if not p.startswith(("tenant:", "provider:")) and p != "self:withdraw"
)


@dataclass(frozen=True)
class BuiltinRole:
    code: str
    name: str  # zh-CN display name; the UI translates by code
    permissions: tuple[str, ...]


BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole("platform_operator", "平台运营", PERMISSIONS),
    BuiltinRole(
        "provider_admin",
        "服务商管理员",
        (
            *_READS,
            "tenant:write",
            "provider:staff",
            "cabinet:write",
            "cabinet:command",
            "cabinet:provision",
            "item:write",
            "stock:adjust",
            "workorder:write",
            "alert:ack",
            "alert:route",
            "report:subscribe",
            "apikey:manage",  # its own keys, across the companies it serves
        ),
    ),
    BuiltinRole(
        "provider_staff",
        "服务商业务员",
        (
            "tenant:read",
            "cabinet:read",
            "cabinet:command",
            "item:read",
            "stock:read",
            "stock:adjust",
            "workorder:read",
            "workorder:write",
            "alert:read",
        ),
    ),
    BuiltinRole("tenant_admin", "企业管理员", _TENANT_ADMIN),
    BuiltinRole(
        "department_manager",
        "部门主管",
        (
            "withdrawal:read",
            "user:read",
            "dept:read",
            "quota:read",
            "approval:read",
            "approval:decide",
            "report:read",
            "self:withdraw",
            "self:request",
        ),
    ),
    BuiltinRole("employee", "员工", ("self:withdraw", "self:request")),
)


class NamedRole(Protocol):
    code: str
    name: str
    tenant_id: int | None


def role_label(role: NamedRole, locale: str = DEFAULT_LOCALE) -> str:
    """A role's name for people: a built-in role's in the reader's language, a tenant's own as
    its admin typed it."""
    return t(f"role.{role.code}", locale) if role.tenant_id is None else role.name
