"""What each webhook event's `data` says (payload version 1, docs/webhooks.md), one small function
per place in the domain services where the event happens. Each calls `service.emit` in the
caller's transaction; the data is built only when some subscription wants the event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.cabinets.models import Cabinet, Slot
from app.core.model_base import pk
from app.items.models import Item
from app.org.models import Department, User
from app.webhooks.services.webhooks import emit, when
from app.withdrawals.models import DoorSession, Withdrawal, WithdrawalLine
from app.workorders.models import WorkOrder


def _cabinet_fields(cabinet: Cabinet) -> dict[str, Any]:
    return {"id": cabinet.id, "code": cabinet.code, "name": cabinet.name}


def _cabinet(session: Session, cabinet_id: int | None) -> dict[str, Any] | None:
    cabinet = session.get(Cabinet, cabinet_id) if cabinet_id else None
    return _cabinet_fields(cabinet) if cabinet else None


def _person(session: Session, user_id: int | None) -> dict[str, Any] | None:
    person = session.get(User, user_id) if user_id else None
    if person is None:
        return None
    return {"id": person.id, "name": person.name, "employee_no": person.employee_no}


def withdrawal_data(session: Session, withdrawal: Withdrawal) -> dict[str, Any]:
    """A withdrawal as it stands now: who, which department and cabinet, each line's amount."""
    session.flush()  # its lines, added by the caller, are read back
    department = (
        session.get(Department, withdrawal.department_id) if withdrawal.department_id else None
    )
    lines = session.exec(
        select(WithdrawalLine, Item.sku, Item.name)
        .join(Item, col(Item.id) == WithdrawalLine.item_id)
        .where(WithdrawalLine.withdrawal_id == withdrawal.id)
        .order_by(col(WithdrawalLine.id))
    ).all()
    return {
        "withdrawal_id": withdrawal.id,
        "door_session_id": withdrawal.door_session_id,
        "status": withdrawal.status,
        "source": withdrawal.source,
        "taken_at": when(withdrawal.created_at),
        "person": _person(session, withdrawal.user_id),
        "department": {"id": department.id, "name": department.name} if department else None,
        "cabinet": _cabinet(session, withdrawal.cabinet_id),
        "lines": [
            {  # the keys of the REST API's withdrawal lines (app/withdrawals/queries/feed.py)
                "item_id": line.item_id,
                "sku": sku,
                "name": name,
                "slot_id": line.slot_id,
                "quantity": line.quantity,
                "unit_cost_cents": line.unit_cost_cents,
                "line_cost_cents": line.line_cost_cents,
            }
            for line, sku, name in lines
        ],
        "total_qty": withdrawal.total_qty,
        "total_cost_cents": withdrawal.total_cost_cents,
    }


def withdrawal_changed(
    session: Session, withdrawal: Withdrawal, type: str, now: datetime | None = None
) -> None:
    """`withdrawal.committed` or `withdrawal.corrected`."""
    emit(
        session,
        withdrawal.tenant_id,
        type,
        pk(withdrawal),
        lambda: withdrawal_data(session, withdrawal),
        now or withdrawal.created_at,
    )


def exception_raised(session: Session, door: DoorSession, now: datetime | None = None) -> None:
    """A door session left for a person to review (what was taken could not be told)."""

    def data() -> dict[str, Any]:
        return {
            "door_session_id": door.id,
            "reason": (door.identification or {}).get("reason"),
            "person": _person(session, door.user_id),
            "cabinet": _cabinet(session, door.cabinet_id),
            "closed_at": when(door.closed_at) if door.closed_at else None,
        }

    emit(session, door.tenant_id, "exception.raised", pk(door), data, now)


def stock_low(
    session: Session,
    cabinet: Cabinet,
    slot: Slot,
    item: Item,
    quantity: int,
    minimum: int,
    now: datetime | None = None,
) -> None:
    """A slot fell below its minimum (once per episode, until it is restocked)."""
    data = {
        "cabinet": _cabinet(session, cabinet.id),
        "slot": slot.code,
        "sku": item.sku,
        "name": item.name,
        "quantity": quantity,
        "minimum": minimum,
    }
    emit(session, cabinet.tenant_id, "stock.low", f"{slot.id}:{item.id}", data, now)


def work_order_changed(
    session: Session, order: WorkOrder, type: str, now: datetime | None = None
) -> None:
    """`workorder.created` or `workorder.done`."""

    def data() -> dict[str, Any]:
        return {
            "work_order_id": order.id,
            "kind": order.kind,
            "status": order.status,
            "title": order.title,
            "cabinet": _cabinet(session, order.cabinet_id),
            "created_at": when(order.created_at),
            "closed_at": when(order.closed_at) if order.closed_at else None,
        }

    emit(session, order.tenant_id, type, pk(order), data, now)


def cabinet_presence(session: Session, cabinet: Cabinet, type: str, now: datetime) -> None:
    """`cabinet.offline` or `cabinet.online` (a change, not every heartbeat)."""

    def data() -> dict[str, Any]:
        heard = cabinet.last_heartbeat_at
        return _cabinet_fields(cabinet) | {"last_heard_at": when(heard) if heard else None}

    emit(session, cabinet.tenant_id, type, pk(cabinet), data, now)
