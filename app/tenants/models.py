"""Tenants (customer companies) and the service providers (渠道/服务商) that manage them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.model_base import (
    TenantOwned,
    enum_check,
    enum_field,
    json_field,
    timestamp,
)
from app.core.text import line_field


class Status(StrEnum):
    active = "active"
    suspended = "suspended"


class TenantStatus(StrEnum):
    trial = "trial"  # on trial: works like active, the console says so
    active = "active"
    suspended = "suspended"  # nobody opens its cabinets, its walls are dark; data kept


class ProviderStaffRole(StrEnum):
    admin = "admin"  # provider admin
    staff = "staff"  # 业务员 / restocker


class ServiceProvider(SQLModel, table=True):
    __tablename__ = "service_provider"
    __table_args__ = (enum_check("status", Status),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = line_field(field="provider", max_length=120)
    contact_name: str | None = line_field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=20)
    status: str = enum_field(Status, Status.active)
    created_at: datetime = timestamp()


class Tenant(SQLModel, table=True):
    __tablename__ = "tenant"
    __table_args__ = (enum_check("status", TenantStatus),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = line_field(field="tenant", max_length=120)
    legal_name: str | None = line_field(default=None, field="legal_name", max_length=160)
    contract_start: date | None = None
    contract_end: date | None = None
    provider_id: int | None = Field(
        default=None, foreign_key="service_provider.id", index=True, ondelete="SET NULL"
    )
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    status: str = enum_field(TenantStatus, TenantStatus.active)
    # Tenant policies (over-quota handling, offline lease days, ...), validated by services.
    settings: dict | None = json_field()
    created_at: datetime = timestamp()


class ProviderStaff(SQLModel, table=True):
    """A person working for a service provider; logs in through their Account."""

    __tablename__ = "provider_staff"
    __table_args__ = (enum_check("role", ProviderStaffRole),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="service_provider.id", index=True, ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", unique=True, ondelete="CASCADE")
    name: str = line_field(max_length=60)
    phone: str | None = Field(default=None, max_length=20)
    role: str = enum_field(ProviderStaffRole, ProviderStaffRole.staff)
    is_active: bool = True
    created_at: datetime = timestamp()


class ProviderStaffTenant(TenantOwned, table=True):
    """Which tenant companies a provider's staff member (业务员) serves."""

    __tablename__ = "provider_staff_tenant"
    __table_args__ = (UniqueConstraint("staff_id", "tenant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="provider_staff.id", index=True, ondelete="CASCADE")
