"""The demo's alert routing rule: the first company's offline cabinets and other critical alerts
go by e-mail to its facilities desk (sent once SMTP_URL is set; until then the delivery log shows
why not), held overnight unless critical, and escalated by SMS after 30 minutes."""

from __future__ import annotations

from sqlmodel import Session

from app.audit.services.records import SYSTEM
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.notify.services.rules import RouteSpec, create_route
from app.tenants.models import Tenant


def seed_routing(*, session: Session, tenant: Tenant) -> None:
    spec = RouteSpec(
        name="行政值班",
        channel="email",
        target="facilities@xingyue.example.com",
        kinds=["cabinet_offline", "alarm_tamper", "alarm_door_forced"],
        min_severity="warning",
        quiet_start="22:00",
        quiet_end="07:00",
        escalate_after_min=30,
        escalate_channel="sms",
        escalate_target="13800138000",
    )
    create_route(
        session=session,
        scope=TenantScope.single(pk(tenant)),
        tenant_id=pk(tenant),
        spec=spec,
        actor=SYSTEM,
    )
