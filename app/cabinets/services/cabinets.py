"""What a stored cabinet message changes: the cabinet's live state (online, door, boot), the
commands it acknowledges, and the door sessions of the withdrawal engine (badge, door opened,
door closed → identification and commit: app/withdrawals/services/sessions.py).

Called by the `handle_device_message(s)` jobs after the gateway has stored the message once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet, DeviceMessage, DoorState, MessageStatus
from app.cabinets.services.alarms import on_alarm
from app.cabinets.services.commands import record_ack
from app.cabinets.services.presence import heard_from
from app.cabinets.services.scale_stats import fold_heartbeat
from app.core import logs
from app.core.memo import batch_memo, memo_of, remember
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, get_scoped, get_scoped_or_raise
from app.withdrawals.services import door_open, keypad, screen, sessions
from app.withdrawals.services.prefetch import prefetch_closes

DOOR_AFTER = {"door.opened": DoorState.open.value, "door.closed": DoorState.closed.value}
DOOR_EVENTS = {"door.opened": sessions.on_opened, "door.closed": sessions.on_closed}
APPLIED = "cabinets:applied"  # batch memo: the ids of the messages applied, marked at its end


def apply_device_message(
    *, session: Session, message_row_id: int, now: datetime | None = None
) -> bool:
    """Apply one stored message to its cabinet; False when already applied or gone."""
    scope = TenantScope.platform()  # a system job: the row names its own tenant
    row = get_scoped(session, DeviceMessage, message_row_id, scope)
    if row is None or row.status != MessageStatus.accepted.value:
        return False
    cabinet = get_scoped_or_raise(session, Cabinet, row.cabinet_id, scope)  # the row's FK
    with logs.bound(tenant_id=row.tenant_id, cabinet_id=row.cabinet_id):  # its log lines
        _apply(session=session, row=row, cabinet=cabinet, now=now)
    applied = memo_of(session, APPLIED)
    if applied is None:
        row.status = MessageStatus.processed.value
        session.flush()
    else:  # written for the whole batch in one statement: _mark_applied
        set_committed_value(row, "status", MessageStatus.processed.value)
        applied.append(pk(row))
    return True


def _mark_applied(session: Session, row_ids: list[int]) -> None:
    """The batch's applied messages marked in one UPDATE (the ORM would send a row each)."""
    if row_ids:
        # the table, not the ORM's update: their rows already say so
        table: Table = DeviceMessage.__table__  # type: ignore[attr-defined]  # set by SQLModel
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(row_ids))
            .values(status=MessageStatus.processed.value)
        )


def _apply(*, session: Session, row: DeviceMessage, cabinet: Cabinet, now: datetime | None) -> None:
    """What the message changes on its cabinet and its door sessions."""
    body = row.payload.get("body", {})
    door_was = cabinet.door_state
    if row.type in ("heartbeat", "boot"):
        heard_from(session=session, cabinet=cabinet, now=now or datetime.now(UTC))
        if row.type == "heartbeat" and body.get("door") in ("open", "closed", "unknown"):
            cabinet.door_state = body["door"]
        if row.type == "heartbeat":
            fold_heartbeat(session=session, cabinet=cabinet, body=body, at=row.device_ts)
    elif row.type in DOOR_AFTER:
        cabinet.door_state = DOOR_AFTER[row.type]
        DOOR_EVENTS[row.type](session=session, cabinet=cabinet, body=body)
    elif row.type == "door.reread":
        sessions.on_reread(session=session, cabinet=cabinet, body=body)
    elif row.type == "alarm":
        on_alarm(session=session, cabinet=cabinet, body=body)
    elif row.type == "auth.card":
        outcome = sessions.on_card(
            session=session, cabinet=cabinet, body=body, sent=as_utc(row.device_ts)
        )
        screen.tell_outcome(session, cabinet, outcome, method="card", ref=row.message_id)
    elif row.type == "auth.pin":
        outcome = keypad.on_pin(
            session=session, cabinet=cabinet, body=body, sent=as_utc(row.device_ts)
        )
        row.payload = keypad.redacted(row.payload)
        screen.tell_outcome(session, cabinet, outcome, method="pin", ref=row.message_id)
    elif row.type == "cmd.ack":
        record_ack(session=session, cabinet_id=pk(cabinet), body=body, now=now)
    shut = cabinet.door_state == DoorState.closed.value
    if shut and (door_was != DoorState.closed.value or row.type == "door.closed"):
        door_open.door_closed(session=session, cabinet=cabinet, now=now)  # its alert resolved


def apply_device_messages(
    *, session: Session, message_row_ids: list[int], now: datetime | None = None
) -> int:
    """Apply several stored messages in the order given (their arrival order), in one unit of
    work; how many were applied (the others were applied already or are gone)."""
    # Each row locked (in id order: two jobs never wait on each other in a circle): a message
    # handed over twice (the sweep of app/cabinets/services/unapplied.py beside its slow first job)
    # is applied by whichever job gets it first; the other then reads it applied and skips it.
    rows = session.exec(
        select(DeviceMessage)
        .where(col(DeviceMessage.id).in_(message_row_ids))
        .order_by(col(DeviceMessage.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    cabinet_ids = sorted({row.cabinet_id for row in rows})
    # loaded in one query each and held by the batch's memo, so that apply_device_message finds
    # them in the identity map (which keeps only what something refers to); what the door
    # closes read besides, in one query per table, for the batch
    # (app/withdrawals/services/prefetch.py)
    with batch_memo(session):
        cabinets = list(session.exec(select(Cabinet).where(col(Cabinet.id).in_(cabinet_ids))))
        remember(session, "cabinets:held", cabinets)
        prefetch_closes(session, list(rows), cabinets)
        applied: list[int] = []
        remember(session, APPLIED, applied)
        for row_id in message_row_ids:
            apply_device_message(session=session, message_row_id=row_id, now=now)
        _mark_applied(session, applied)
        return len(applied)
