"""Small builders for rows the tests need (flush only; the test decides on commit).

Keyword `**fields` set any other column and override a builder's defaults; where a builder takes
a tenant, its id will do too.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from app.auth.models import Account, AccountKind
from app.cabinets.models import Cabinet, DeviceMessage, Site, Slot
from app.inventory.models import PlanogramEntry
from app.items.models import Item, ItemType
from app.org.models import Department, User
from app.quotas.models import QuotaRule, QuotaUsage
from app.tenants.models import ServiceProvider, Tenant
from app.withdrawals.models import AuthMethod, DoorSession, Withdrawal

_seq = itertools.count(1)
_Row = TypeVar("_Row", bound=SQLModel)


def _flushed(session: Session, row: _Row) -> _Row:
    session.add(row)
    session.flush()
    return row


def _tenant_id(tenant: Tenant | int) -> int:
    return tenant if isinstance(tenant, int) else tenant.id


def make_tenant(session: Session, name: str = "测试企业") -> Tenant:
    n = next(_seq)
    return _flushed(session, Tenant(code=f"T{n:05d}", name=f"{name}{n}"))


def make_cabinet(session: Session, tenant: Tenant) -> Cabinet:
    n = next(_seq)
    return _flushed(
        session,
        Cabinet(
            tenant_id=tenant.id,
            code=f"CAB-T-{n:04d}",
            name=f"测试柜{n}",
            model="SC-40S",
            mqtt_username=f"cab-t-{n:04d}",
        ),
    )


def make_slot(session: Session, cabinet: Cabinet, code: str = "A1") -> Slot:
    return _flushed(
        session,
        Slot(
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            code=code,
            scale_unit=1,
            scale_channel=1,
        ),
    )


def make_item(session: Session, tenant: Tenant, name: str = "中性笔 0.5mm 黑") -> Item:
    n = next(_seq)
    return _flushed(
        session,
        Item(
            tenant_id=tenant.id,
            sku=f"SKU-{n:05d}",
            name=name,
            unit_weight_g=10.5,
            weight_tolerance_g=0.4,
            unit_cost_cents=250,
        ),
    )


def make_user(session: Session, tenant: Tenant, name: str = "张伟") -> User:
    return _flushed(session, User(tenant_id=tenant.id, name=name, employee_no=f"E{next(_seq):05d}"))


def make_department(
    session: Session, tenant: Tenant | int, name: str = "行政部", **fields: Any
) -> Department:
    """A department at the root (path '/') unless `parent_id` / `path` say otherwise."""
    return _flushed(session, Department(tenant_id=_tenant_id(tenant), name=name, **fields))


def make_account(
    session: Session,
    username: str | None = None,
    *,
    kind: str = AccountKind.tenant.value,
    **fields: Any,
) -> Account:
    """A sign-in without a password (pass `password_hash=` for one); named after its username."""
    username = username or f"acct{next(_seq):05d}"
    fields = {"display_name": username, **fields}
    return _flushed(session, Account(username=username, kind=kind, **fields))


def make_planogram_entry(session: Session, slot: Slot, item: Item, **fields: Any) -> PlanogramEntry:
    """`item` planned in `slot` (min and par 0 unless given)."""
    return _flushed(
        session,
        PlanogramEntry(
            tenant_id=slot.tenant_id,
            cabinet_id=slot.cabinet_id,
            slot_id=slot.id,
            item_id=item.id,
            **fields,
        ),
    )


def make_door_session(session: Session, cabinet: Cabinet, user: User, **fields: Any) -> DoorSession:
    """`user`'s door session at `cabinet`: by card and just authorized unless given."""
    fields = {"auth_method": AuthMethod.card.value, **fields}
    return _flushed(
        session,
        DoorSession(tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, user_id=user.id, **fields),
    )


def make_withdrawal(session: Session, cabinet: Cabinet, user: User, **fields: Any) -> Withdrawal:
    """A withdrawal header without lines: one unit for 250 cents unless given."""
    fields = {"total_qty": 1, "total_cost_cents": 250, **fields}
    return _flushed(
        session,
        Withdrawal(tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, user_id=user.id, **fields),
    )


def make_device_message(session: Session, cabinet: Cabinet, **fields: Any) -> DeviceMessage:
    """An accepted inbound message of `cabinet`: a heartbeat sent now unless given."""
    n = next(_seq)
    fields = {
        "message_id": f"m-{n}",
        "boot_id": "b1",
        "seq": n,
        "type": "heartbeat",
        "device_ts": datetime.now(UTC),
        **fields,
    }
    return _flushed(
        session, DeviceMessage(tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, **fields)
    )


def make_quota_rule(session: Session, tenant: Tenant | int, **fields: Any) -> QuotaRule:
    """A rule for the whole tenant, 10 a month, unless given."""
    fields = {"name": "额度", "subject_kind": "tenant", "limit_value": 10, **fields}
    return _flushed(session, QuotaRule(tenant_id=_tenant_id(tenant), **fields))


def make_quota_usage(
    session: Session, rule: QuotaRule, holder_id: int, period_start: date, **fields: Any
) -> QuotaUsage:
    """What `holder_id` used of `rule` in the period from `period_start` (none unless given)."""
    return _flushed(
        session,
        QuotaUsage(
            tenant_id=rule.tenant_id,
            rule_id=rule.id,
            holder_id=holder_id,
            period_start=period_start,
            **fields,
        ),
    )


def make_site(
    session: Session, tenant: Tenant | int, name: str = "总部大楼", **fields: Any
) -> Site:
    return _flushed(session, Site(tenant_id=_tenant_id(tenant), name=name, **fields))


def make_item_type(
    session: Session, tenant: Tenant | int, name: str = "文具", **fields: Any
) -> ItemType:
    return _flushed(session, ItemType(tenant_id=_tenant_id(tenant), name=name, **fields))


def make_service_provider(
    session: Session, code: str | None = None, name: str = "服务商", **fields: Any
) -> ServiceProvider:
    return _flushed(
        session, ServiceProvider(code=code or f"SP-{next(_seq):05d}", name=name, **fields)
    )
