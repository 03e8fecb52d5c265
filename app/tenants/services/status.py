"""Whether a tenant is suspended: read by every path that lets its people in (doors, offline
leases, walls), so it imports nothing but the tenant model."""

from __future__ import annotations

from sqlmodel import Session

from app.tenants.models import Tenant, TenantStatus


def is_suspended(session: Session, tenant_id: int) -> bool:
    tenant = session.get(Tenant, tenant_id)
    return tenant is not None and tenant.status == TenantStatus.suspended.value
