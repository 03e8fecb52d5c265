"""What a stored cabinet message changes: the cabinet's live state (online, door, boot).

Called by the `handle_device_message` job after the gateway has stored the message once; the
withdrawal engine (door sessions, identification) hooks in here for `door.*` messages later.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.cabinets.commands import record_ack
from app.cabinets.models import Cabinet, DeviceMessage, DoorState, MessageStatus
from app.cabinets.presence import heard_from
from app.core.tenancy import TenantScope, get_scoped

DOOR_AFTER = {"door.opened": DoorState.open.value, "door.closed": DoorState.closed.value}


def apply_device_message(
    *, session: Session, message_row_id: int, now: datetime | None = None
) -> bool:
    """Apply one stored message to its cabinet; False when already applied or gone."""
    scope = TenantScope.platform()  # a system job: the row names its own tenant
    row = get_scoped(session, DeviceMessage, message_row_id, scope)
    if row is None or row.status != MessageStatus.accepted.value:
        return False
    cabinet = get_scoped(session, Cabinet, row.cabinet_id, scope)
    body = row.payload.get("body", {})
    if row.type in ("heartbeat", "boot"):
        heard_from(session=session, cabinet=cabinet, now=now or datetime.now(UTC))
        if row.type == "heartbeat" and body.get("door") in ("open", "closed", "unknown"):
            cabinet.door_state = body["door"]
    elif row.type in DOOR_AFTER:
        cabinet.door_state = DOOR_AFTER[row.type]
    elif row.type == "cmd.ack":
        record_ack(session=session, cabinet_id=cabinet.id, body=body, now=now)
    row.status = MessageStatus.processed.value
    session.flush()
    return True
