"""Opening a cabinet for a known person from outside the cabinet: from their phone (QR), or
from the console by an admin for someone who forgot their badge. The checks are the badge's
(app/withdrawals/services/sessions.py `refusal`), what is taken is charged to that person, and a
console unlock names the admin in the audit log."""

from __future__ import annotations

from sqlmodel import Session, or_, select

from app.approvals.services import approvals
from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet
from app.core.errors import PermissionDeniedError, ValidationError
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise
from app.org.models import User
from app.tenants.models import ProviderStaff
from app.withdrawals.models import AuthMethod, DoorSession
from app.withdrawals.services import screen, sessions


def open_checked(
    session: Session,
    cabinet: Cabinet,
    person: User,
    *,
    method: AuthMethod,
    ref: str,
    actor: Actor,
    refusals: str,
) -> DoorSession:
    """The badge's checks, then the unlock; a refusal raises `<refusals>.refused_<reason>`."""
    staff = method == AuthMethod.console  # an admin may open a cabinet in maintenance
    reason, approval = sessions.refusal(session, cabinet, person, staff=staff)
    if reason is not None:
        raise ValidationError(f"{refusals}.refused_{reason}", field="cabinet")
    door = sessions.open_door(
        session,
        cabinet,
        user_id=person.id,
        method=method,
        by={"method": "qr" if method == AuthMethod.qr else "command", "ref": ref},
        actor=actor,
    )
    if door is None:
        raise ValidationError(f"{refusals}.refused_cabinet_busy", field="cabinet")
    if approval is not None:
        approvals.use(session=session, request=approval, door=door)
    screen.tell(
        session, cabinet, method="qr" if method == AuthMethod.qr else "command", ref=None, door=door
    )
    return door


def _person(session: Session, tenant_id: int, who: str) -> User:
    """One person of the tenant by employee number, phone or badge card number."""
    who = (who or "").strip()
    if not who or len(who) > 64:
        raise ValidationError(field="person")
    found = session.exec(
        select(User)
        .where(
            User.tenant_id == tenant_id,
            or_(User.employee_no == who, User.phone == who, User.badge_card_no == who),
        )
        .limit(2)
    ).all()
    if len(found) != 1:
        raise ValidationError("unlock.no_such_person", field="person", who=who)
    return found[0]


def unlock_for(
    *, session: Session, scope: TenantScope, cabinet_id: int, who: str, actor: Actor
) -> DoorSession:
    """An admin opens a cabinet of the scope for the person `who` names (employee number,
    phone or card)."""
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    person = _person(session, cabinet.tenant_id, who)
    door = open_checked(
        session,
        cabinet,
        person,
        method=AuthMethod.console,
        ref=f"account-{actor.account_id}",
        actor=actor,
        refusals="unlock",
    )
    audit.record(
        session=session,
        action="door_session.remote_unlock",
        entity="door_session",
        entity_id=door.id,
        tenant_id=cabinet.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        after={"cabinet": cabinet.code, "person": person.name, "person_id": person.id},
        ip=actor.ip,
    )
    return door


def restock_by(
    *, session: Session, scope: TenantScope, cabinet_id: int, actor: Actor
) -> DoorSession:
    """The signed-in service provider's staff member opens a cabinet from the console to
    restock it: what they put in is weighed and booked when the door closes."""
    staff = session.exec(
        select(ProviderStaff).where(ProviderStaff.account_id == actor.account_id)
    ).first()
    if staff is None:
        raise PermissionDeniedError("restock.not_serving")
    return sessions.start_restock(
        session=session, scope=scope, cabinet_id=cabinet_id, staff_id=pk(staff), actor=actor
    )
