"""What a cabinet's `alarm` message raises: one alert per cabinet, kind of alarm and slot (a
door held open for an hour is one alert with many occurrences, not sixty), critical when someone
may be taking things unrecorded (a forced door, tampering, power loss). A door left open is the
same alert the cloud raises itself for a door open past the tenant's limit
(app/withdrawals/services/door_open.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.alerts.models import Severity
from app.alerts.service import raise_once
from app.cabinets.models import Cabinet
from app.withdrawals.services import door_open

CRITICAL = {"door_forced", "tamper", "power_loss"}
KINDS = (
    "door_forced",
    "door_left_open",
    "tamper",
    "scale_fault",
    "rfid_fault",
    "power_loss",
    "clock_unsynced",
)


def on_alarm(*, session: Session, cabinet: Cabinet, body: dict[str, Any]) -> None:
    kind = body.get("kind")
    if kind not in KINDS:
        return
    if kind == "door_left_open":
        door_open.on_alarm(session=session, cabinet=cabinet, body=body)
        return
    slot = body.get("slot") or "-"
    raise_once(
        session=session,
        tenant_id=cabinet.tenant_id,
        cabinet_id=cabinet.id,
        kind=f"alarm_{kind}",
        root_key=f"alarm:{kind}:cabinet:{cabinet.id}:slot:{slot}",
        message_key=f"alert.alarm_{kind}",
        params={"cabinet": cabinet.name, "code": cabinet.code, "slot": slot},
        severity=Severity.critical if kind in CRITICAL else Severity.warning,
    )
