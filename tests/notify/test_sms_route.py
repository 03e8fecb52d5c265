"""An SMS alert route with no sender plugged in texts through the tenant's own Tencent Cloud SMS
settings: the local receiver checks the TC3 signature and gets the alert template with the
alert's title and text (without settings: tests/notify/test_routing.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.services.presence import mark_offline
from app.core.tenancy import TenantScope
from app.sms.services.sms import SmsSettingsInput, save_settings
from tests.notify.world import offline_cabinet_world, route, tick
from tests.sms.conftest import APP_ID, SECRET_ID, SECRET_KEY, receiver  # noqa: F401 - fixture

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
ADMIN = Actor(account_id=None, name="企业管理员")


def test_an_sms_route_texts_through_the_tenants_sender(session: Session, receiver) -> None:  # noqa: F811
    tenant_id, cabinet = offline_cabinet_world(session)
    save_settings(
        session=session,
        scope=TenantScope.single(tenant_id),
        tenant_id=tenant_id,
        values=SmsSettingsInput(
            sdk_app_id=APP_ID,
            sign_name="某某企业",
            secret_id=SECRET_ID,
            secret_key=SECRET_KEY,
            template_register="200001",
            template_alert="200002",
            endpoint=receiver.url,
        ),
        actor=ADMIN,
    )
    route(session, tenant_id, channel="sms", target="13800000001")
    mark_offline(session=session, cabinet=cabinet, now=T0)
    assert tick(session, T0) == ["sent"]
    [got] = receiver.receiver.received  # signature checked by the receiver itself
    assert (got.phone, got.template_id) == ("+8613800000001", "200002")
    assert len(got.params) == 2 and cabinet.code in "".join(got.params)
