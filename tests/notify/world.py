"""A tenant with one cabinet, the routing job run by hand at a given moment, and checks of the
robots' signatures as DingTalk and Feishu document them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.tenancy import TenantScope
from app.notify.models import AlertRoute
from app.notify.services import routing
from app.notify.services.rules import RouteSpec, create_route
from tests.factories import make_cabinet, make_tenant

ADMIN = Actor(account_id=None, name="企业管理员")


def offline_cabinet_world(session: Session) -> tuple[int, Cabinet]:
    tenant = make_tenant(session)
    return tenant.id, make_cabinet(session, tenant)


def route(session: Session, tenant_id: int, **spec) -> AlertRoute:
    spec = {"name": "值班", "kinds": ["cabinet_offline"]} | spec
    return create_route(
        session=session,
        scope=TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        spec=RouteSpec(**spec),
        actor=ADMIN,
    )


def tick(session: Session, now: datetime) -> list[str]:
    """The job at `now`: plan, then send every delivery due; the statuses."""
    routing.plan_deliveries(session=session, now=now)
    ids = routing.due_deliveries(session=session, now=now)
    return [routing.deliver(session=session, delivery_id=i, now=now) for i in ids]


def dingtalk_signed(request: dict, secret: str) -> bool:
    stamp = request["query"]["timestamp"]
    expected = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return request["query"]["sign"] == base64.b64encode(expected).decode()


def feishu_signed(body: dict, secret: str) -> bool:
    key = f"{body['timestamp']}\n{secret}".encode()
    return body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
