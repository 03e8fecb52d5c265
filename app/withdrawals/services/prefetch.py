"""What the door closes of one job read, loaded before the first of them is applied, in one
query per table (app/cabinets/services/cabinets.py calls it inside a batch memo: app/core/memo.py):
the door sessions and their people, the tenants, each cabinet's slots, planogram and items, its
stock (locked), and what quotas, webhooks and alerts look up for a close. The per-close code
reads these instead of querying between its changes, so the ORM writes the batch's changes
together; with none of this loaded (one message outside a job, another kind) it queries as
before. A close of one job is therefore decided on what the job found when it began, plus the
job's own changes: the same rows the one-message path reads, in the same transaction."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.alerts import service as alerts
from app.cabinets.models import Cabinet, DeviceMessage, MessageStatus, Slot
from app.core.memo import memo_of, remember
from app.core.model_base import pk
from app.inventory.models import PlanogramEntry
from app.inventory.services.inventory import lock_stock
from app.items.models import Item
from app.org.models import User
from app.quotas.services import quotas
from app.tenants.models import Tenant
from app.webhooks.services import webhooks
from app.withdrawals.models import SESSION_PREFIX, DoorSession
from app.withdrawals.services.door_open import root_key

CLOSES = ("door.closed", "door.reread")
PLANS = "withdrawals:plans"  # batch memo: cabinet id → CabinetPlan
HELD = "withdrawals:held"  # batch memo: rows found by session.get, held for the identity map
IDS = "withdrawals:ids"  # batch memo: withdrawal ids taken from the sequence ahead (PostgreSQL)
RESERVE_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('withdrawal', 'id')) FROM generate_series(1, :n)"
)


@dataclass(frozen=True)
class CabinetPlan:
    """A cabinet's slots, planogram entries and their items (of the cabinet's own tenant)."""

    slots: list[Slot]
    entries: list[PlanogramEntry]
    items: dict[int, Item]


@dataclass
class _Reserved:
    """The batch's closes, and the withdrawal ids taken for them once the first was wanted."""

    closes: int
    ids: deque[int] | None = None  # taken when the first is wanted


def reserve_withdrawal_id(session: Session) -> int | None:
    """An id for a withdrawal of the running batch, from the ids taken from the sequence for all
    its closes in one statement when the first was wanted; None outside a batch, or on SQLite
    (the caller then flushes the withdrawal to learn its id). A close that takes nothing leaves
    its id unused: a gap in the numbering, as a rolled-back insert leaves."""
    reserved: _Reserved | None = memo_of(session, IDS)
    if reserved is None:
        return None
    if reserved.ids is None:
        with session.no_autoflush:  # the batch's changes wait for its one flush
            taken = session.execute(RESERVE_IDS, {"n": reserved.closes}).scalars()
            reserved.ids = deque(taken)
    return reserved.ids.popleft() if reserved.ids else None


def plan_of(session: Session, cabinet: Cabinet) -> CabinetPlan | None:
    """The cabinet's plan when the running batch loaded it."""
    return (memo_of(session, PLANS) or {}).get(cabinet.id)


def _door_id(row: DeviceMessage) -> int | None:
    ref = str((row.payload or {}).get("body", {}).get("session", ""))
    number = ref[len(SESSION_PREFIX) :]
    return int(number) if ref.startswith(SESSION_PREFIX) and number.isdigit() else None


def _in_tenant(rows: Sequence[Any], cabinet: Cabinet) -> list[Any]:
    return [r for r in rows if r.cabinet_id == cabinet.id and r.tenant_id == cabinet.tenant_id]


def prefetch_closes(session: Session, rows: list[DeviceMessage], cabinets: list[Cabinet]) -> None:
    """Load what the closes among `rows` read, held by the batch's memo while it runs (the
    identity map keeps only what something refers to: the doors, people and tenants that
    `session.get` then finds without a query)."""
    by_id = {c.id: c for c in cabinets}
    closes = [
        r
        for r in rows
        if r.type in CLOSES and r.status == MessageStatus.accepted.value and r.cabinet_id in by_id
    ]
    if not closes:
        return
    mine = [by_id[c] for c in sorted({r.cabinet_id for r in closes})]
    ids = [pk(c) for c in mine]
    tenant_ids = sorted({c.tenant_id for c in mine})
    door_ids = sorted({d for d in map(_door_id, closes) if d is not None})
    doors = session.exec(select(DoorSession).where(col(DoorSession.id).in_(door_ids))).all()
    user_ids = sorted({d.user_id for d in doors if d.user_id is not None})
    users = session.exec(select(User).where(col(User.id).in_(user_ids))).all()
    tenants = session.exec(select(Tenant).where(col(Tenant.id).in_(tenant_ids))).all()
    slots = session.exec(
        select(Slot).where(col(Slot.cabinet_id).in_(ids)).order_by(col(Slot.id))
    ).all()
    entries = session.exec(
        select(PlanogramEntry)
        .where(col(PlanogramEntry.cabinet_id).in_(ids))
        .order_by(col(PlanogramEntry.id))
    ).all()
    items = session.exec(select(Item).where(col(Item.id).in_({e.item_id for e in entries}))).all()
    lock_stock(session, ids)
    plans = {}
    for cabinet in mine:
        plans[cabinet.id] = CabinetPlan(
            _in_tenant(slots, cabinet),
            _in_tenant(entries, cabinet),
            {pk(i): i for i in items if i.tenant_id == cabinet.tenant_id},
        )
    remember(session, PLANS, plans)
    quotas.preload(session, tenant_ids, items)
    webhooks.preload(session, tenant_ids)
    alerts.preload(session, [(c.tenant_id, root_key(pk(c))) for c in mine])
    remember(session, HELD, [*doors, *users, *tenants])
    if len(closes) > 1 and session.get_bind().dialect.name == "postgresql":
        remember(session, IDS, _Reserved(len(closes)))  # for one, its insert gives the id
