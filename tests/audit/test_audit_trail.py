"""The audit trail: scoped, filtered, paged, masked for viewers without audit:unmask, and
phone numbers never in clear in application logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.audit.models import AuditLog
from app.audit.services.audit import AuditFilters, list_audit
from app.audit.services.records import Actor
from app.core import log_masking
from app.core.tenancy import TenantScope
from app.org.services.users import UserFields, create_user, update_user
from tests.factories import make_tenant

ADMIN = Actor(account_id=None, name="管理员甲", ip="10.2.3.4")


def test_viewers_see_phones_masked_unless_they_may_unmask(session: Session) -> None:
    tenant, other = make_tenant(session), make_tenant(session)
    scope = TenantScope.single(tenant.id)
    user = create_user(
        session=session,
        scope=scope,
        tenant_id=tenant.id,
        fields=UserFields(name="王芳", phone="13912345678", badge_card_no="CARD12345678"),
        actor=ADMIN,
    )
    update_user(
        session=session,
        scope=scope,
        user_id=user.id,
        fields=UserFields(name="王芳", phone="13987654321"),
        actor=ADMIN,
    )
    create_user(
        session=session,
        scope=TenantScope.single(other.id),
        tenant_id=other.id,
        fields=UserFields(name="外企业"),
        actor=ADMIN,
    )

    masked = list_audit(session=session, scope=scope, filters=AuditFilters(), unmask=False)
    assert [e.action for e in masked.entries] == ["app_user.update", "app_user.create"]
    change = masked.entries[0]
    assert change.before["phone"] == "139****5678" and change.after["phone"] == "139****4321"
    assert masked.entries[1].after["badge_card_no"] == "CAR*****5678"
    assert change.actor_name == "管理员甲" and change.ip == "10.2.3.4"

    full = list_audit(session=session, scope=scope, filters=AuditFilters(), unmask=True)
    assert full.entries[0].before["phone"] == "13912345678"


def test_filters_and_keyset_pages(session: Session) -> None:
    tenant = make_tenant(session)
    scope = TenantScope.single(tenant.id)
    now = datetime.now(UTC)
    for n in range(5):
        session.add(
            AuditLog(
                tenant_id=tenant.id,
                actor_name=f"人{n}",
                action="auth.login" if n % 2 else "auth.logout",
                entity="account",
                entity_id=str(n),
                created_at=now - timedelta(days=n),
            )
        )
    session.flush()
    first = list_audit(session=session, scope=scope, filters=AuditFilters(), unmask=False, limit=2)
    second = list_audit(
        session=session,
        scope=scope,
        filters=AuditFilters(),
        unmask=False,
        limit=2,
        after_id=first.next_after,
    )
    assert len(first.entries) == 2 and len(second.entries) == 2
    assert {e.id for e in first.entries}.isdisjoint({e.id for e in second.entries})
    logins = list_audit(
        session=session, scope=scope, filters=AuditFilters(action="auth.login"), unmask=False
    )
    assert {e.entity_id for e in logins.entries} == {"1", "3"}
    recent = list_audit(
        session=session,
        scope=scope,
        unmask=False,
        filters=AuditFilters(action="auth.", since=now - timedelta(days=1, hours=1)),
    )
    assert {e.entity_id for e in recent.entries} == {"0", "1"}
    assert (
        list_audit(
            session=session,
            scope=TenantScope.single(tenant.id + 999),
            filters=AuditFilters(),
            unmask=True,
        ).entries
        == []
    )


def test_logs_never_carry_a_phone_or_id_number_in_clear(caplog) -> None:
    log_masking.install()
    logger = logging.getLogger("app.test")
    with caplog.at_level(logging.INFO):
        logger.info("sms to %s for card 110101199003077777", "13812345678")
        logger.info("order SKU-13812345678X and 2026112412345678 stay as they are")
    text = caplog.text
    assert "13812345678" not in text.split("SKU-")[0]
    assert "138****5678" in text and "110101********7777" in text
    assert "SKU-13812345678X" in text
