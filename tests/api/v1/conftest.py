"""Two tenants with a little of everything, keys for each, and an in-process client that goes
through the same edge (EdgeGuard) and mount (/api/v1) as the served app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.routing import Mount

from app.api.security import EdgeGuard
from app.api.v1 import build_v1
from app.api.v1.context import ApiSettings
from app.apikeys.service import SCOPES, create_key
from app.audit.services.records import Actor
from app.core.tenancy import TenantScope
from app.withdrawals.models import WithdrawalLine
from app.workorders.models import WorkOrder
from tests.factories import (
    make_cabinet,
    make_department,
    make_item,
    make_planogram_entry,
    make_quota_rule,
    make_quota_usage,
    make_slot,
    make_tenant,
    make_user,
    make_withdrawal,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="admin")


@dataclass
class Side:
    tenant_id: int
    key: str  # every scope
    ids: dict[str, int] = field(default_factory=dict)


def _side(session: Session, name: str) -> Side:
    tenant = make_tenant(session, name)
    department = make_department(session, tenant, "行政部", external_id="D-1")
    department.path = f"/{department.id}/"
    cabinet = make_cabinet(session, tenant)
    slot = make_slot(session, cabinet)
    item = make_item(session, tenant)
    user = make_user(session, tenant)
    user.external_id, user.department_id = "P-1", department.id
    make_planogram_entry(session, slot, item, min_qty=2, par_qty=10)
    withdrawal = make_withdrawal(
        session,
        cabinet,
        user,
        department_id=department.id,
        total_qty=1,
        total_cost_cents=250,
        created_at=NOW - timedelta(hours=1),
    )
    order = WorkOrder(tenant_id=tenant.id, cabinet_id=cabinet.id, kind="replenishment",
                      title="补货", dedupe_key=f"restock:{cabinet.id}")  # fmt: skip
    rule = make_quota_rule(session, tenant, name="每月", subject_kind="tenant", limit_value=5)
    session.add(order)
    session.flush()
    session.add(WithdrawalLine.of(withdrawal, item_id=item.id, quantity=1, unit_cost_cents=250))
    make_quota_usage(session, rule, user.id, NOW.date().replace(day=1), used_count=1)
    _, key = create_key(
        session=session, scope=TenantScope.single(tenant.id), tenant_id=tenant.id, name="全部",
        scopes=list(SCOPES), expires_at=None, actor=ADMIN, now=NOW - timedelta(days=1),
    )  # fmt: skip
    session.flush()
    ids = {"department": department.id, "cabinet": cabinet.id, "slot": slot.id, "item": item.id,
           "user": user.id, "withdrawal": withdrawal.id, "order": order.id}  # fmt: skip
    return Side(tenant.id, key, ids)


@pytest.fixture
def world(session: Session) -> tuple[Side, Side]:
    a, b = _side(session, "甲企业"), _side(session, "乙企业")
    session.commit()
    return a, b


def key_with(session: Session, side: Side, *scopes: str, **extra) -> str:
    """A key of `side`'s tenant holding only `scopes` (committed)."""
    _, plaintext = create_key(
        session=session, scope=TenantScope.single(side.tenant_id), tenant_id=side.tenant_id,
        name="部分", scopes=list(scopes), expires_at=extra.get("expires_at"), actor=ADMIN,
        now=extra.get("now", NOW - timedelta(days=1)),
    )  # fmt: skip
    session.commit()
    return plaintext


def edge_app(settings: ApiSettings):
    """The API as served: mounted at /api/v1 behind the edge's rules."""
    return EdgeGuard(Starlette(routes=[Mount("/api/v1", app=build_v1(settings))]), lambda: [])


@pytest.fixture
def settings(engine) -> ApiSettings:
    return ApiSettings(engine=engine, buckets=None, now=lambda: NOW)


@pytest.fixture
async def client(settings: ApiSettings):
    transport = httpx.ASGITransport(app=edge_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test/api/v1") as http:
        yield http


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
