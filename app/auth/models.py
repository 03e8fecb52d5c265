"""Login identities, roles, permissions (`module:action`) and role grants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.model_base import enum_check, enum_field, partial_unique_index, timestamp
from app.core.text import line_field


class AccountKind(StrEnum):
    platform = "platform"  # platform operator
    provider = "provider"  # service provider admin or staff
    tenant = "tenant"  # tenant admin, manager or employee


class Account(SQLModel, table=True):
    """Who can sign in. Usernames and phones are unique across the whole platform."""

    __tablename__ = "account"
    __table_args__ = (
        enum_check("kind", AccountKind),
        CheckConstraint("failed_logins >= 0", name="failed_logins_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    phone: str | None = Field(default=None, max_length=20, unique=True)
    display_name: str = line_field(max_length=60)
    password_hash: str | None = Field(default=None, max_length=255)
    kind: str = enum_field(AccountKind)
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = timestamp(nullable=True)
    last_login_at: datetime | None = timestamp(nullable=True)
    created_at: datetime = timestamp()


class Permission(SQLModel, table=True):
    """Catalogue of permission strings, e.g. `cabinet:write`."""

    __tablename__ = "permission"
    __table_args__ = (CheckConstraint("code LIKE '%:%'", name="code_is_module_action"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    module: str = Field(max_length=32, index=True)


class Role(SQLModel, table=True):
    """Built-in roles have no tenant (shared templates); custom roles belong to one tenant."""

    __tablename__ = "role"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        # PostgreSQL treats NULLs as distinct: keep built-in codes unique separately.
        partial_unique_index("uq_role_builtin_code", "code", where="tenant_id IS NULL"),
        CheckConstraint("is_builtin OR tenant_id IS NOT NULL", name="custom_role_has_tenant"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int | None = Field(
        default=None, foreign_key="tenant.id", index=True, ondelete="CASCADE"
    )
    code: str = Field(max_length=48)
    name: str = line_field(field="role", max_length=60)
    is_builtin: bool = False
    created_at: datetime = timestamp()


class RolePermission(SQLModel, table=True):
    __tablename__ = "role_permission"

    role_id: int = Field(foreign_key="role.id", primary_key=True, ondelete="CASCADE")
    permission_id: int = Field(foreign_key="permission.id", primary_key=True, ondelete="CASCADE")


class GrantScope(StrEnum):
    platform = "platform"
    provider = "provider"
    tenant = "tenant"


class RoleGrant(SQLModel, table=True):
    """An account holds a role within a scope: the platform, one provider or one tenant."""

    __tablename__ = "role_grant"
    __table_args__ = (
        UniqueConstraint("account_id", "role_id", "tenant_id", "provider_id"),
        enum_check("scope", GrantScope),
        CheckConstraint(
            "(scope = 'platform' AND tenant_id IS NULL AND provider_id IS NULL)"
            " OR (scope = 'provider' AND provider_id IS NOT NULL AND tenant_id IS NULL)"
            " OR (scope = 'tenant' AND tenant_id IS NOT NULL)",
            name="scope_matches_target",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    role_id: int = Field(foreign_key="role.id", index=True, ondelete="CASCADE")
    scope: str = enum_field(GrantScope)
    tenant_id: int | None = Field(
        default=None, foreign_key="tenant.id", index=True, ondelete="CASCADE"
    )
    provider_id: int | None = Field(
        default=None, foreign_key="service_provider.id", index=True, ondelete="CASCADE"
    )
    created_at: datetime = timestamp()


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Tokens name it (`sid`); logout or a password reset revokes it."""

    __tablename__ = "auth_session"
    __table_args__ = (Index("ix_auth_session_account_id_revoked_at", "account_id", "revoked_at"),)

    id: str = Field(primary_key=True, max_length=32)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    # The tenant a provider's person or the operator is currently working in (None = all).
    active_tenant_id: int | None = Field(default=None, foreign_key="tenant.id", ondelete="SET NULL")
    refresh_hash: str = Field(max_length=64)
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=255)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp(default_now=False)
    revoked_at: datetime | None = timestamp(nullable=True)


class LoginAttempt(SQLModel, table=True):
    """Every sign-in attempt; recent failures per account and per IP drive the lockout."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_login_created_at", "login", "created_at"),
        Index("ix_login_attempt_ip_created_at", "ip", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64)
    ip: str = Field(max_length=45)
    succeeded: bool
    created_at: datetime = timestamp()
