"""Commands down to cabinets (docs/protocol.md § 6): issued with an id and an expiry, sent at once
and again 15, 30 and 60 s after the first send while no acknowledgement has come, then — no
acknowledgement by 120 s — failed and handed to a person as a work order. The cabinet is
idempotent on the command id, so every resend is safe.

`prepare_sends` runs in one unit of work and returns signed messages for the gateway to publish;
the clock is a parameter everywhere, so the schedule is testable without waiting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col

from app.audit.services import audit
from app.audit.services.records import Actor
from app.cabinets.models import Cabinet, CommandKind, CommandStatus, DeviceCommand
from app.cabinets.services.credentials import decrypt_secret
from app.core.announce import announce
from app.core.errors import DomainError
from app.core.model_base import as_utc, pk
from app.core.tenancy import TenantScope, get_scoped_or_raise, scoped_select
from app.tenants.models import Tenant
from app.workorders.models import WorkOrderKind
from app.workorders.services.workorders import open_once
from hardware.protocol.messages import build, schema_problem

RESEND_AT = (timedelta(seconds=15), timedelta(seconds=30), timedelta(seconds=60))
GIVE_UP_AT = timedelta(seconds=120)
MESSAGE_TYPE = {
    CommandKind.unlock.value: "cmd.unlock",
    CommandKind.lock.value: "cmd.lock",
    CommandKind.push_config.value: "cmd.config",
    CommandKind.sync_lease.value: "cmd.lease",
    CommandKind.tare.value: "cmd.tare",
    CommandKind.reboot.value: "cmd.reboot",
    CommandKind.reread.value: "cmd.reread",
    CommandKind.auth_result.value: "auth.result",
}
# Not worth a person's visit when undelivered: the moment it was for has passed.
NO_WORK_ORDER = frozenset((CommandKind.auth_result.value,))
# A layout that expires unacknowledged leaves the cabinet weighing against an old one.
TO_A_PERSON_ON_EXPIRY = frozenset((CommandKind.push_config.value,))
WAITING = (CommandStatus.pending.value, CommandStatus.sent.value)
RECEIVED = CommandStatus.acked.value  # `received`: stored by the cabinet, not done yet
ACK_STATUS = {
    "received": CommandStatus.acked.value,
    "done": CommandStatus.succeeded.value,
    "failed": CommandStatus.failed.value,
    "expired": CommandStatus.expired.value,
}
CLOUD_BOOT = "cloud-" + uuid.uuid4().hex[:8]  # this process's boot id in the envelopes it signs


@dataclass(frozen=True)
class Outgoing:
    topic: str
    message: dict[str, Any]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def issue_command(
    *,
    session: Session,
    scope: TenantScope,
    cabinet_id: int,
    kind: str,
    args: dict[str, Any],
    actor: Actor,
    now: datetime | None = None,
    ttl: timedelta = timedelta(seconds=60),
) -> DeviceCommand:
    """Queue a command for a cabinet of the caller's scope (sent by the next `prepare_sends`)."""
    now = now or datetime.now(UTC)
    cabinet = get_scoped_or_raise(session, Cabinet, cabinet_id, scope)
    if kind not in MESSAGE_TYPE:
        raise DomainError("cabinet.unknown_command", kind=kind)
    _check_arguments(kind, args, now + ttl)
    command = DeviceCommand(
        tenant_id=cabinet.tenant_id,
        command_id=uuid.uuid4().hex,
        cabinet_id=pk(cabinet),
        kind=kind,
        payload=dict(args),
        status=CommandStatus.pending.value,
        next_retry_at=now,
        expires_at=now + ttl,
        created_at=now,
    )
    session.add(command)
    session.flush()
    _announce(session, command, command.status)
    audit.record(
        session=session,
        action="cabinet.command",
        entity="device_command",
        entity_id=command.id,
        tenant_id=cabinet.tenant_id,
        actor_account_id=actor.account_id,
        actor_name=actor.name,
        after={"kind": kind, "cabinet": cabinet.code},
        ip=actor.ip,
    )
    return command


def _check_arguments(kind: str, args: dict[str, Any], expires: datetime) -> None:
    """Refuse now what the cabinet would refuse later (the protocol's schema for the command)."""
    body = {"command": uuid.uuid4().hex, "expires": _ms(expires)} | dict(args)
    problem = schema_problem(MESSAGE_TYPE[kind], body)
    if problem is not None:
        raise DomainError("cabinet.bad_command_arguments", kind=kind, problem=problem)


def _next_send(command: DeviceCommand) -> datetime | None:
    """After `attempts` sends: when to send again, or None when it is time to give up."""
    first = as_utc(command.created_at)
    if command.attempts <= len(RESEND_AT):
        return first + RESEND_AT[command.attempts - 1]
    return None


def _signed(session: Session, command: DeviceCommand, now: datetime) -> Outgoing | None:
    cabinet = session.get_one(Cabinet, command.cabinet_id)
    tenant = session.get_one(Tenant, cabinet.tenant_id)
    if cabinet.secret_ciphertext is None:
        return None
    body = {"command": command.command_id, "expires": _ms(as_utc(command.expires_at))}
    body |= command.payload
    topic, message = build(
        secret=decrypt_secret(cabinet.secret_ciphertext),
        tenant=tenant.code,
        cabinet=cabinet.code,
        boot=CLOUD_BOOT,
        seq=pk(command),  # the command's number: the same on every resend
        message_type=MESSAGE_TYPE[command.kind],
        body=body,
        message_id=command.command_id,
        ts=_ms(now),
    )
    return Outgoing(topic, message)


def prepare_sends(*, session: Session, now: datetime | None = None) -> list[Outgoing]:
    """Every command due now, signed and marked sent; those out of retries, and those received
    but never done, handed to a person."""
    now = now or datetime.now(UTC)
    due = session.exec(
        scoped_select(DeviceCommand, TenantScope.platform())
        .where(
            col(DeviceCommand.status).in_((*WAITING, RECEIVED)),
            col(DeviceCommand.next_retry_at) <= now,
        )
        .order_by(col(DeviceCommand.next_retry_at))
        .limit(500)
    ).all()
    out = []
    for command in due:
        if command.status == RECEIVED:
            _give_up(session, command, now, reason="received_never_done")
            continue
        if now >= as_utc(command.expires_at):  # the cabinet would refuse it: never sent late
            _expired(session, command, now)
            continue
        if command.attempts > len(RESEND_AT) or now - as_utc(command.created_at) >= GIVE_UP_AT:
            _give_up(session, command, now, reason="no_ack")
            continue
        signed = _signed(session, command, now)
        command.attempts += 1
        command.status = CommandStatus.sent.value
        command.next_retry_at = _next_send(command) or as_utc(command.created_at) + GIVE_UP_AT
        if signed is not None:
            out.append(signed)
    session.flush()
    return out


def _expired(session: Session, command: DeviceCommand, now: datetime) -> None:
    """Its lifetime ran out before the cabinet said it was done: not sent again. An unlock's
    door session is ended by the door-session sweep; the consoles see the command expire."""
    command.status = CommandStatus.expired.value
    command.next_retry_at = None
    command.result = {"reason": "expired_unacknowledged", "attempts": command.attempts}
    _announce(session, command, command.status)
    if not _layout_again_when_back(session, command) and command.kind in TO_A_PERSON_ON_EXPIRY:
        _to_a_person(session, command, now)


def _give_up(session: Session, command: DeviceCommand, now: datetime, *, reason: str) -> None:
    command.status = CommandStatus.failed.value
    command.next_retry_at = None
    command.result = {"reason": reason, "attempts": command.attempts}
    _announce(session, command, command.status)
    _layout_again_when_back(session, command)
    if command.kind not in NO_WORK_ORDER:
        _to_a_person(session, command, now)


def _to_a_person(session: Session, command: DeviceCommand, now: datetime) -> None:
    """One open work order per cabinet whose commands do not get through."""
    cabinet = session.get_one(Cabinet, command.cabinet_id)
    open_once(
        session=session,
        cabinet=cabinet,
        kind=WorkOrderKind.command_failure,
        dedupe_key=f"command_failure:cabinet:{cabinet.id}",
        title_key="workorder.command_failure",
        title_params={"cabinet": cabinet.name, "code": cabinet.code, "kind": command.kind},
        now=now,
    )


def _layout_again_when_back(session: Session, command: DeviceCommand) -> bool:
    """A slot layout that never got through to a cabinet gone offline is due again: it is sent
    when the cabinet is next heard from (app/cabinets/services/layout.py); True then. A cabinet
    online that does not acknowledge is not sent it again in a loop: the failure goes to a
    person."""
    if command.kind != CommandKind.push_config.value:
        return False
    cabinet = session.get(Cabinet, command.cabinet_id)
    if cabinet is None or cabinet.is_online or cabinet.secret_ciphertext is None:
        return False
    cabinet.config_due = True
    return True


def record_ack(
    *, session: Session, cabinet_id: int, body: dict[str, Any], now: datetime | None = None
) -> bool:
    """Apply a `cmd.ack` body from the cabinet; `duplicate` and unknown ids change nothing.

    The acks of one command can be applied by concurrent jobs in any order, so a command only
    moves forward (a late `received` never reopens a finished command), and the database decides
    that in one conditional UPDATE rather than from a row read earlier."""
    status = ACK_STATUS.get(body.get("status", ""))
    command = _command_row(session, cabinet_id, body.get("command", ""))
    if status is None or command is None:
        return False
    replaceable = WAITING if status == RECEIVED else (*WAITING, RECEIVED)
    values: dict[str, Any] = {
        "status": status,
        "next_retry_at": _done_by(command) if status == RECEIVED else None,
        "acked_at": func.coalesce(DeviceCommand.acked_at, now or datetime.now(UTC)),
    }
    if status in ("failed", "expired"):
        values["result"] = {k: body[k] for k in ("code", "detail") if k in body} or None
    changed = session.exec(
        update(DeviceCommand)
        .where(col(DeviceCommand.id) == command.id, col(DeviceCommand.status).in_(replaceable))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:
        return False
    _announce(session, command, status)
    return True


def _done_by(command: DeviceCommand) -> datetime:
    """When a command the cabinet said it `received` is overdue for `done` and goes to a person."""
    return max(as_utc(command.created_at) + GIVE_UP_AT, as_utc(command.expires_at))


def _command_row(session: Session, cabinet_id: int, command_id: str) -> DeviceCommand | None:
    return session.exec(
        scoped_select(DeviceCommand, TenantScope.platform()).where(
            DeviceCommand.cabinet_id == cabinet_id, DeviceCommand.command_id == command_id
        )
    ).first()


def _announce(session: Session, command: DeviceCommand, status: str) -> None:
    """The consoles following the tenant's cabinets show a command's delivery as it moves."""
    announce(
        session,
        command.tenant_id,
        "cabinet",
        cabinet=command.cabinet_id,
        command=command.command_id,
        status=status,
    )
