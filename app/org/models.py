"""Organisation of a tenant: the department tree, its people and the phone whitelist."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field

from app.core.model_base import TenantOwned, enum_check, enum_field, json_field, timestamp
from app.core.text import line_field


class Department(TenantOwned, table=True):
    """A node of the tenant's department tree; `path` is the materialised id path '/1/4/9/'."""

    __tablename__ = "department"
    __table_args__ = (
        UniqueConstraint("tenant_id", "parent_id", "name"),
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_department_tenant_id_path", "tenant_id", "path"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(
        default=None, foreign_key="department.id", index=True, ondelete="RESTRICT"
    )
    name: str = line_field(field="department", max_length=60)
    code: str | None = line_field(field="department", default=None, max_length=32)
    path: str = Field(default="/", max_length=255)
    sort_order: int = 0
    is_active: bool = True
    # The id an integration (HR system) knows it by: the API upserts by it.
    external_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = timestamp()


class User(TenantOwned, table=True):
    """A person of a tenant (employee, manager, admin). Card numbers and PINs open cabinets."""

    __tablename__ = "app_user"
    __table_args__ = (
        UniqueConstraint("tenant_id", "employee_no"),
        UniqueConstraint("tenant_id", "phone"),
        UniqueConstraint("tenant_id", "badge_card_no"),
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_app_user_tenant_id_department_id", "tenant_id", "department_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(
        default=None, foreign_key="account.id", unique=True, ondelete="SET NULL"
    )
    department_id: int | None = Field(
        default=None, foreign_key="department.id", ondelete="SET NULL"
    )
    name: str = line_field(max_length=60)
    employee_no: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=120)
    badge_card_no: str | None = Field(default=None, max_length=32)
    pin_hash: str | None = Field(default=None, max_length=255)
    is_active: bool = True
    external_id: str | None = Field(default=None, max_length=64)  # the HR system's id (API)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class DepartmentManager(TenantOwned, table=True):
    """Who approves for a department (a department can have several managers)."""

    __tablename__ = "department_manager"
    __table_args__ = (UniqueConstraint("department_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")


class PhoneWhitelist(TenantOwned, table=True):
    """Phones allowed to self-register on the mobile page and bind to this tenant."""

    __tablename__ = "phone_whitelist"
    __table_args__ = (UniqueConstraint("tenant_id", "phone"),)

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=20, index=True)
    name: str | None = line_field(default=None, max_length=60)
    department_id: int | None = Field(
        default=None, foreign_key="department.id", ondelete="SET NULL"
    )
    registered_user_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp()


class SyncTrigger(StrEnum):
    """What started an org sync run: an admin's dry run, an admin's apply, or the schedule."""

    preview = "preview"
    manual = "manual"
    schedule = "schedule"


class SyncStatus(StrEnum):
    succeeded = "succeeded"
    failed = "failed"


class OrgSyncSettings(TenantOwned, table=True):
    """One per tenant: its scheduled org sync from WeCom (app/org/services/directory_sync.py). The
    schedule may only be switched on once an admin has applied a reviewed sync
    (`first_applied_at`)."""

    __tablename__ = "org_sync_settings"
    __table_args__ = (
        UniqueConstraint("tenant_id"),
        CheckConstraint("interval_hours BETWEEN 1 AND 168", name="interval_hours_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enabled: bool = False
    interval_hours: int = 24
    first_applied_at: datetime | None = timestamp(nullable=True)
    last_success_at: datetime | None = timestamp(nullable=True)
    updated_at: datetime = timestamp()


class OrgSyncRun(TenantOwned, table=True):
    """One org sync from WeCom, dry run or applied, with what it found or did (`counts`) and,
    if it failed, why (`error_key` and `error_params`: a translated message and its values,
    e.g. WeCom's call and errcode)."""

    __tablename__ = "org_sync_run"
    __table_args__ = (
        enum_check("trigger", SyncTrigger),
        enum_check("status", SyncStatus),
        Index("ix_org_sync_run_tenant_id_started_at", "tenant_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trigger: str = enum_field(SyncTrigger)
    dry_run: bool = False
    status: str = enum_field(SyncStatus)
    started_at: datetime = timestamp()
    finished_at: datetime = timestamp()
    counts: dict | None = json_field()
    plan_digest: str = Field(default="", max_length=64)  # a preview's plan, checked at apply
    error_key: str = Field(default="", max_length=64)
    error_params: dict | None = json_field()
    actor_account_id: int | None = None
    actor_name: str | None = Field(default=None, max_length=120)
