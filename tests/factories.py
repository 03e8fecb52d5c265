"""Small builders for rows the tests need (flush only; the test decides on commit)."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from app.cabinets.models import Cabinet, Slot
from app.items.models import Item
from app.org.models import User
from app.tenants.models import Tenant

_seq = itertools.count(1)


def make_tenant(session: Session, name: str = "测试企业") -> Tenant:
    n = next(_seq)
    tenant = Tenant(code=f"T{n:05d}", name=f"{name}{n}")
    session.add(tenant)
    session.flush()
    return tenant


def make_cabinet(session: Session, tenant: Tenant) -> Cabinet:
    n = next(_seq)
    cabinet = Cabinet(
        tenant_id=tenant.id,
        code=f"CAB-T-{n:04d}",
        name=f"测试柜{n}",
        model="SC-40S",
        mqtt_username=f"cab-t-{n:04d}",
    )
    session.add(cabinet)
    session.flush()
    return cabinet


def make_slot(session: Session, cabinet: Cabinet, code: str = "A1") -> Slot:
    slot = Slot(
        tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, code=code, scale_unit=1, scale_channel=1
    )
    session.add(slot)
    session.flush()
    return slot


def make_item(session: Session, tenant: Tenant, name: str = "中性笔 0.5mm 黑") -> Item:
    n = next(_seq)
    item = Item(
        tenant_id=tenant.id,
        sku=f"SKU-{n:05d}",
        name=name,
        unit_weight_g=10.5,
        weight_tolerance_g=0.4,
        unit_cost_cents=250,
    )
    session.add(item)
    session.flush()
    return item


def make_user(session: Session, tenant: Tenant, name: str = "张伟") -> User:
    user = User(tenant_id=tenant.id, name=name, employee_no=f"E{next(_seq):05d}")
    session.add(user)
    session.flush()
    return user
