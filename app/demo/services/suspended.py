"""The demo's suspended customer: a small company whose contract ended — its admin still signs
in and reads its records, its people cannot open cabinets, its wall screen is dark."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from app.auth.models import Account, AccountKind, GrantScope, Role, RoleGrant
from app.core.model_base import pk
from app.org.models import User
from app.tenants.models import Tenant, TenantStatus
from app.wall.models import WallDisplay
from app.wall.service import token_hash

CODE, NAME = "TN-BY", "北垣咨询"
PEOPLE = ("赵一鸣", "钱晓雯", "孙立军", "李思远")


def seed_suspended_tenant(
    session: Session, *, provider_id: int, password_hash: str, roles: dict[str, Role], now: datetime
) -> Tenant:
    tenant = Tenant(
        code=CODE,
        name=NAME,
        legal_name="北垣管理咨询（上海）有限公司",
        provider_id=provider_id,
        status=TenantStatus.suspended.value,
        contract_start=date(now.year - 1, 1, 1),
        contract_end=date(now.year - 1, 12, 31),
        settings={"locale": "zh-CN"},
    )
    session.add(tenant)
    session.flush()
    admin = Account(
        username="by_admin",
        display_name=PEOPLE[0],
        kind=AccountKind.tenant.value,
        password_hash=password_hash,
    )
    session.add(admin)
    session.flush()
    session.add(
        RoleGrant(
            account_id=pk(admin),
            role_id=pk(roles["tenant_admin"]),
            scope=GrantScope.tenant.value,
            tenant_id=tenant.id,
        )
    )
    session.add_all(
        User(
            tenant_id=pk(tenant),
            name=name,
            employee_no=f"E{n:04d}",
            account_id=admin.id if n == 1 else None,
        )
        for n, name in enumerate(PEOPLE, start=1)
    )
    session.add(
        WallDisplay(tenant_id=pk(tenant), name="前台大屏", token_hash=token_hash("demo-wall-tn-by"))
    )
    session.flush()
    return tenant
