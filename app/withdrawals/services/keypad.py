"""A PIN entered at the cabinet's keypad while it is online (`auth.pin`): the person is named by
the badge card or employee number typed with it (a PIN alone names nobody), the PIN is checked
against their argon2 hash, then the same checks and unlock as a badge. Five wrong PINs for one
person within 15 minutes lock PIN entry for them for the rest of that window; every wrong PIN is
audited. The gateway stores the PIN sealed (encrypted with the app's key); once checked it is
blanked (`redacted`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, or_, select

from app.audit.models import AuditLog
from app.audit.services import audit
from app.auth.services.passwords import verify_secret
from app.cabinets.models import Cabinet
from app.cabinets.services.credentials import unseal
from app.core.tenancy import TenantScope, scoped_select
from app.org.models import User
from app.withdrawals.models import AuthMethod
from app.withdrawals.services.sessions import Outcome, open_at_cabinet, staleness, too_late

logger = logging.getLogger(__name__)
WRONG_PIN = "door.pin_refused"
MAX_WRONG = 5
WINDOW = timedelta(minutes=15)
HIDDEN = "******"


def _person(session: Session, tenant_id: int, ident: str) -> User | None:
    statement = scoped_select(User, TenantScope.single(tenant_id)).where(
        or_(User.badge_card_no == ident, User.employee_no == ident)
    )
    return session.exec(statement).first()


def _wrong_lately(session: Session, person: User, now: datetime) -> int:
    statement = select(func.count(col(AuditLog.id))).where(
        AuditLog.tenant_id == person.tenant_id,
        AuditLog.action == WRONG_PIN,
        AuditLog.entity == "app_user",
        AuditLog.entity_id == str(person.id),
        AuditLog.created_at >= now - WINDOW,
    )
    return session.exec(statement).one()


def on_pin(
    *, session: Session, cabinet: Cabinet, body: dict[str, Any], sent: datetime | None = None
) -> Outcome:
    stale = staleness(body, sent)
    if stale is not None:
        return Outcome("ignored", "stale_pin") if stale == "history" else too_late()
    ident = body.get("card") or ""
    if not ident:
        return Outcome("refused", "pin_needs_card")
    person = _person(session, cabinet.tenant_id, ident)
    if person is None:
        return Outcome("refused", "unknown_card")
    now = datetime.now(UTC)
    if _wrong_lately(session, person, now) >= MAX_WRONG:
        return Outcome("refused", "pin_locked")
    if not verify_secret(unseal(body.get("pin")), person.pin_hash):
        audit.record(
            session=session,
            action=WRONG_PIN,
            entity="app_user",
            entity_id=person.id,
            tenant_id=person.tenant_id,
            actor_name=f"cabinet {cabinet.code}",
            after={"cabinet": cabinet.code},
        )
        logger.info("wrong PIN at %s for person %s", cabinet.code, person.id)
        return Outcome("refused", "wrong_pin")
    return open_at_cabinet(session, cabinet, person, AuthMethod.pin, ident)


def redacted(payload: dict[str, Any]) -> dict[str, Any]:
    """The stored message without its PIN (the signature was checked on arrival)."""
    body = dict(payload.get("body", {}))
    if "pin" in body:
        body["pin"] = HIDDEN
    return {**payload, "body": body}
