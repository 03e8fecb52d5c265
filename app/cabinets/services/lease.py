"""The offline authorization lease (docs/protocol.md § 9): who may open a cabinet while it cannot
reach us — the badge cards and PIN hashes of the tenant's active people — valid for the cabinet's
`lease_days` (at most 30), sent as a `cmd.lease` command."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col

from app.audit.services.records import SYSTEM, Actor
from app.cabinets.models import (
    Cabinet,
    CabinetStatus,
    CommandKind,
    CommandStatus,
    DeviceCommand,
)
from app.cabinets.services.commands import issue_command
from app.core.model_base import pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.org.models import User
from app.tenants.services.status import is_suspended

logger = logging.getLogger(__name__)
DEFAULT_DAYS = 7
MAX_DAYS = 30
CARD = re.compile(r"^[0-9A-Za-z]{4,32}$")  # the protocol's card pattern
SEND_WITHIN = timedelta(minutes=10)


def lease_days(cabinet: Cabinet) -> int:
    return max(1, min(cabinet.lease_days or DEFAULT_DAYS, MAX_DAYS))


def lease_arguments(session: Session, cabinet: Cabinet, now: datetime) -> dict[str, Any]:
    """Nobody while the cabinet is out of service (maintenance) or its tenant suspended: no
    employee opens it."""
    valid_until = now + timedelta(days=lease_days(cabinet))
    if cabinet.status != CabinetStatus.active.value or is_suspended(session, cabinet.tenant_id):
        return {"valid_until": int(valid_until.timestamp() * 1000), "cards": [], "pins": []}
    people = session.exec(
        scoped_select(User, TenantScope.single(cabinet.tenant_id))
        .where(User.is_active)
        .order_by(col(User.id))
    ).all()
    cards, pins = [], []
    for person in people:
        ref = f"u{person.id}"
        if person.badge_card_no:
            if CARD.match(person.badge_card_no):
                cards.append({"card": person.badge_card_no, "user": ref})
            else:  # imported from elsewhere: the cabinet could not read it, say so
                logger.warning("card of user %s does not fit the protocol; left out", person.id)
        if person.pin_hash and person.pin_hash.startswith("$argon2id$"):
            pins.append({"user": ref, "hash": person.pin_hash})
    return {"valid_until": int(valid_until.timestamp() * 1000), "cards": cards, "pins": pins}


def sync_lease(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    actor: Actor,
    now: datetime | None = None,
) -> DeviceCommand:
    """Queue a fresh lease for the cabinet (people, cards or PINs changed, or the daily renewal)."""
    now = now or datetime.now(UTC)
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    return issue_command(
        session=session,
        scope=scope,
        cabinet_id=pk(cabinet),
        kind="sync_lease",
        args=lease_arguments(session, cabinet, now),
        actor=actor,
        now=now,
        ttl=SEND_WITHIN,
    )


def _has_people(command: DeviceCommand) -> bool:
    lease = command.payload or {}
    return bool(lease.get("cards") or lease.get("pins"))


def empty_lease_if_held(*, session: Session, cabinet: Cabinet, now: datetime) -> bool:
    """A cabinet in maintenance must hold no lease with people in it. One that was away when
    maintenance began (or whose empty lease never got through) is sent the empty lease when it
    is heard from again; True if it was queued."""
    if cabinet.status != CabinetStatus.maintenance.value or cabinet.secret_ciphertext is None:
        return False
    leases = session.exec(
        scoped_select(DeviceCommand, TenantScope.single(cabinet.tenant_id))
        .where(
            DeviceCommand.cabinet_id == cabinet.id,
            DeviceCommand.kind == CommandKind.sync_lease.value,
        )
        .order_by(col(DeviceCommand.id).desc())
        .limit(20)
    ).all()
    held = next((c for c in leases if c.status == CommandStatus.succeeded.value), None)
    on_its_way = any(
        c.status
        in (CommandStatus.pending.value, CommandStatus.sent.value, CommandStatus.acked.value)
        and not _has_people(c)
        for c in leases
    )
    if held is None or not _has_people(held) or on_its_way:
        return False
    sync_lease(
        session=session,
        scope=TenantScope.single(cabinet.tenant_id),
        cabinet_id=pk(cabinet),
        actor=SYSTEM,
        now=now,
    )
    return True
