"""The slot layout a cabinet is told (`cmd.config`, docs/protocol.md § 5 and "Provisioning"):
every planned item on a weighed slot with its scale unit and channel, SKU, unit weight and
tolerance in mg, and whether it carries RFID tags.

It is due when the cabinet is provisioned and at every planogram change. A due layout is sent at
once to a cabinet that is online; one that is not (a cabinet just registered, or away) gets it
as soon as it is heard from again (`send_if_due`, called on every boot, heartbeat and online
state). The cabinet acknowledges it like any command.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from app.audit.services.records import SYSTEM, Actor
from app.cabinets.models import Cabinet, CabinetStatus, CommandKind, DeviceCommand, Slot, SlotKind
from app.cabinets.services.commands import issue_command
from app.core.model_base import pk
from app.core.tenancy import TenantScope
from app.inventory.models import PlanogramEntry
from app.items.models import Item


def _mg(grams: float) -> int:
    return round(grams * 1000)


def layout_slots(session: Session, cabinet: Cabinet) -> list[dict[str, Any]]:
    """The weighed slots' planned items as `cmd.config` lists them, by slot code and SKU.
    RFID zones are not listed: the protocol's layout is the scales' (a zone's reads name their
    tags)."""
    rows = session.exec(
        select(Slot, Item)
        .join(PlanogramEntry, col(PlanogramEntry.slot_id) == Slot.id)
        .join(Item, col(Item.id) == PlanogramEntry.item_id)
        .where(Slot.cabinet_id == cabinet.id, Slot.kind == SlotKind.scale.value)
        .order_by(Slot.code, Item.sku)
    ).all()
    slots = []
    for slot, item in rows:
        entry: dict[str, Any] = {
            "slot": slot.code,
            "unit": slot.scale_unit,
            "channel": slot.scale_channel,
            "sku": item.sku,
            "unit_mg": max(1, _mg(item.unit_weight_g)),
            "tolerance_mg": max(0, _mg(item.weight_tolerance_g)),
        }
        if item.rfid_tagged:
            entry["rfid"] = True
        slots.append(entry)
    return slots


# What the layout says of an item: a change to any of them is a planogram change.
LAYOUT_FIELDS = ("sku", "unit_weight_g", "weight_tolerance_g", "rfid_tagged")


def item_layout_changed(*, session: Session, item_id: int, actor: Actor = SYSTEM) -> None:
    """An item's SKU, weight or tagging changed: every cabinet planning it is told again."""
    cabinets = session.exec(
        select(Cabinet)
        .join(PlanogramEntry, col(PlanogramEntry.cabinet_id) == Cabinet.id)
        .where(PlanogramEntry.item_id == item_id)
        .distinct()
    ).all()
    for cabinet in cabinets:
        layout_changed(session=session, cabinet=cabinet, actor=actor)


def _next_version(session: Session, cabinet: Cabinet) -> int:
    sent = session.exec(
        select(func.count())
        .select_from(DeviceCommand)
        .where(
            DeviceCommand.cabinet_id == cabinet.id,
            DeviceCommand.kind == CommandKind.push_config.value,
        )
    ).one()
    return sent + 1


def layout_changed(
    *, session: Session, cabinet: Cabinet, actor: Actor = SYSTEM, now: datetime | None = None
) -> DeviceCommand | None:
    """The cabinet's layout must be (re)sent: now if it is online, else when it is next heard
    from. A retired cabinet is told nothing."""
    if cabinet.status == CabinetStatus.retired.value:
        return None
    cabinet.config_due = True
    session.flush()
    if not cabinet.is_online:
        return None
    return send_if_due(session=session, cabinet=cabinet, actor=actor, now=now)


def send_if_due(
    *, session: Session, cabinet: Cabinet, actor: Actor = SYSTEM, now: datetime | None = None
) -> DeviceCommand | None:
    """Queue `cmd.config` with the current layout if one is due (and the cabinet can verify
    it: it has a secret); the new command, or None."""
    if not cabinet.config_due or cabinet.secret_ciphertext is None:
        return None
    if cabinet.status == CabinetStatus.retired.value:
        return None
    cabinet.config_due = False
    command = issue_command(
        session=session,
        scope=TenantScope.single(cabinet.tenant_id),
        cabinet_id=pk(cabinet),
        kind=CommandKind.push_config.value,
        args={"version": _next_version(session, cabinet), "slots": layout_slots(session, cabinet)},
        actor=actor,
        now=now or datetime.now(UTC),
    )
    return command
