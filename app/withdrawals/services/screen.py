"""Protocol v1.1 `auth.result`: what the cloud decided about a badge, PIN or phone QR at a
cabinet, sent to the cabinet with one line for its screen in the tenant's language, so that it
can say "access denied" and why instead of staying silent (docs/protocol.md § 6).

Only cabinets whose boot declared v1.1 are told. A badge or PIN is answered either way; a phone
QR only when granted — the cabinet took no part in a refused one, the person's phone shows it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from app.audit.services.records import Actor
from app.cabinets.models import PROTOCOL_V1_1, Cabinet, DeviceCommand
from app.cabinets.services.commands import issue_command
from app.core.i18n import MESSAGES, normalise_locale, t
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.org.models import User
from app.tenants.models import Tenant
from app.withdrawals.models import DoorSession, session_ref
from app.withdrawals.services.sessions import Outcome

SCREEN_TTL = timedelta(seconds=15)  # the person is still at the cabinet
TEXT_MAX = 120
SYSTEM = Actor(account_id=None, name="cabinet screen")


def tell(
    session: Session,
    cabinet: Cabinet,
    *,
    method: str,
    ref: str | None,
    refused: str | None = None,
    door: DoorSession | None = None,
) -> DeviceCommand | None:
    """Queue the auth.result of one decision (None: the cabinet speaks v1 and is not told)."""
    if cabinet.protocol != PROTOCOL_V1_1:
        return None
    tenant = session.get_one(Tenant, cabinet.tenant_id)
    lang = normalise_locale((tenant.settings or {}).get("locale"))
    args: dict[str, str] = {"method": method, "lang": lang}
    if ref:
        args["ref"] = ref
    if refused is None:
        person = session.get(User, door.user_id) if door and door.user_id else None
        name = person.name if person is not None else ""
        args |= {"result": "granted", "text": t("screen.granted", lang, name=name)}
        if door is not None:
            args["session"] = session_ref(door)
    else:
        key = f"screen.refused_{refused}"
        text = t(key if key in MESSAGES else "screen.refused", lang)
        args |= {"result": "refused", "code": refused, "text": text}
    args["text"] = args["text"][:TEXT_MAX]
    return issue_command(
        session=session,
        scope=TenantScope.single(cabinet.tenant_id),
        cabinet_id=pk(cabinet),
        kind="auth_result",
        args=args,
        actor=SYSTEM,
        ttl=SCREEN_TTL,
    )


def tell_outcome(
    session: Session, cabinet: Cabinet, outcome: Outcome, *, method: str, ref: str
) -> DeviceCommand | None:
    """A badge or PIN decided at the cabinet: granted (the door session opened) or refused; an
    ignored one (kept in the outbox, history) is not told: nobody is waiting for it."""
    if outcome.status == "refused":
        return tell(session, cabinet, method=method, ref=ref, refused=outcome.reason)
    if outcome.status == "unlocking" and outcome.door_session_id is not None:
        door = session.get(DoorSession, outcome.door_session_id)
        return tell(session, cabinet, method=method, ref=ref, door=door)
    return None
