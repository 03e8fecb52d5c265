"""A gateway's batch of door closes applied in one unit of work reads what the closes need once
per table (app/withdrawals/services/prefetch.py) and lets the ORM write their changes together: the
statements it costs are counted (a count is deterministic, unlike a time) so that a query put
back between the changes cannot pass unnoticed; and it books exactly what the closes one by one
book. A batch of heartbeats (the fleet's commonest message) writes its cabinets and messages in
one statement each."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.cabinets.models import Cabinet, DeviceMessage, MessageStatus
from app.cabinets.services.cabinets import apply_device_messages
from app.core.db import session_scope
from app.core.tenancy import TenantScope
from app.inventory.models import Stock, StockMovement
from app.inventory.services.inventory import reconcile_ledger
from app.withdrawals.models import DoorSession, SessionStatus, Withdrawal
from tests.bench.door_close_fleet import STOCK, World, build_world, open_doors
from tests.drills.fleet import closed_body, taken_at

CLOSES = 20
READS = 14  # one query per table the closes read, whatever their number, and the ids taken
# one statement per table the closes change, whatever their number (the withdrawals' ids taken
# from the sequence ahead, in one query: no flush of its own per withdrawal)
WRITES = 7


def _world(engine: Engine, kind: str = "door.closed") -> tuple[World, list[int]]:
    url = engine.url.render_as_string(hide_password=False)
    world = build_world(url, CLOSES)
    doors = open_doors(url, world)
    ids = []
    with session_scope(engine) as session:
        for n, cabinet in enumerate(world.cabinets):
            body = (
                closed_body(doors[cabinet.cabinet_id], taken_at(n))
                if kind == "door.closed"
                else {"uptime_s": 60, "door": "open", "outbox": 0}
            )
            row = DeviceMessage(
                tenant_id=world.tenant_id,
                cabinet_id=cabinet.cabinet_id,
                message_id=f"c{n}",
                boot_id="b",
                seq=1,
                type=kind,
                device_ts=datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
                payload={"body": body},
            )
            session.add(row)
            session.flush()
            ids.append(row.id)
    return world, ids


def _counted(engine: Engine, ids: list[int], batch: int) -> list[str]:
    statements: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(engine, "before_cursor_execute", count)
    try:
        for at in range(0, len(ids), batch):
            with session_scope(engine) as session:
                assert apply_device_messages(session=session, message_row_ids=ids[at : at + batch])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements


def _booked(session: Session, world: World) -> dict[str, object]:
    """What the closes left: sessions, withdrawals, stock, and the ledger's agreement."""
    statuses = session.exec(
        select(DoorSession.status).where(DoorSession.tenant_id == world.tenant_id)
    ).all()
    return {
        "committed": statuses.count(SessionStatus.committed.value),
        "withdrawals": session.exec(select(func.count()).select_from(Withdrawal)).one(),
        "units": session.exec(select(func.sum(Withdrawal.total_qty))).one(),
        "stock": session.exec(select(func.sum(Stock.quantity))).one(),
        "mismatches": reconcile_ledger(session=session, scope=TenantScope.platform()),
        "processed": session.exec(
            select(func.count())
            .select_from(DeviceMessage)
            .where(DeviceMessage.status == MessageStatus.processed.value)
        ).one(),
    }


@pytest.mark.dialects("postgresql")  # production's: the driver's executemany batches the rows
def test_a_batch_of_closes_reads_each_table_once(engine: Engine) -> None:
    _, ids = _world(engine)
    statements = _counted(engine, ids, CLOSES)
    reads = statements.count("SELECT")
    assert reads <= READS, f"{reads} queries for {CLOSES} closes: one crept in per close"
    writes = len(statements) - reads
    assert writes <= WRITES, f"{writes} writes for {CLOSES} closes: a flush crept in per close"


@pytest.mark.dialects("postgresql")
def test_a_batchs_withdrawals_take_ids_in_order_and_a_movement_may_precede_its_withdrawal(
    engine: Engine,
) -> None:
    """The ids come from the sequence ahead, in the closes' order; the movements are inserted in
    the same flush, before or after their withdrawal: the foreign key is checked at commit."""
    world, ids = _world(engine)
    _counted(engine, ids, CLOSES)
    with Session(engine) as session:
        withdrawals = session.exec(select(Withdrawal).order_by(Withdrawal.id)).all()
        doors = [w.door_session_id for w in withdrawals]
        moved = session.exec(select(func.count()).select_from(StockMovement).where(
            StockMovement.withdrawal_id.in_([w.id for w in withdrawals])
        )).one()  # fmt: skip
        mismatches = _booked(session, world)["mismatches"]
    assert doors == sorted(doors) and len(withdrawals) == CLOSES
    assert moved == sum(1 for n in range(CLOSES) for units in taken_at(n).values() if units)
    assert mismatches == []


@pytest.mark.dialects("postgresql")
def test_a_movement_of_a_withdrawal_that_never_came_is_refused_at_commit(engine: Engine) -> None:
    _, ids = _world(engine)
    _counted(engine, ids[:2], 2)
    refused = pytest.raises(IntegrityError, match="fk_stock_movement_withdrawal_id_withdrawal")
    with refused, session_scope(engine) as session:
        movement = session.exec(select(StockMovement).limit(1)).one()
        stray = movement.model_dump(exclude={"id"}) | {"withdrawal_id": 10**9}
        session.add(StockMovement.model_validate(stray))
        session.flush()  # accepted here: checked when the transaction commits


def test_a_batch_books_what_the_closes_one_by_one_book(engine: Engine) -> None:
    world, ids = _world(engine)
    _counted(engine, ids[: CLOSES // 2], CLOSES // 2)  # half in one batch
    _counted(engine, ids[CLOSES // 2 :], 1)  # half one by one (the job's fallback): a batch of one
    with Session(engine) as session:
        booked = _booked(session, world)
    taken = sum(sum(taken_at(n).values()) for n in range(CLOSES))
    assert booked == {
        "committed": CLOSES,
        "withdrawals": CLOSES,
        "units": taken,
        "stock": CLOSES * 3 * STOCK - taken,
        "mismatches": [],
        "processed": CLOSES,
    }


def test_a_batch_applied_twice_books_once(engine: Engine) -> None:
    world, ids = _world(engine)
    _counted(engine, ids, CLOSES)
    with session_scope(engine) as session:
        assert apply_device_messages(session=session, message_row_ids=ids) == 0
    with Session(engine) as session:
        assert _booked(session, world)["withdrawals"] == CLOSES


@pytest.mark.dialects("postgresql")
def test_a_batch_of_heartbeats_writes_each_table_once(engine: Engine) -> None:
    _, ids = _world(engine, kind="heartbeat")
    statements = _counted(engine, ids, CLOSES)
    # the messages and their cabinets read, then the cabinets' last heartbeat and the messages'
    # status written: no alert looked up for a cabinet that was online, nothing per heartbeat
    assert statements == ["SELECT", "SELECT", "UPDATE", "UPDATE"]
    with Session(engine) as session:
        heard = session.exec(select(Cabinet.last_heartbeat_at).where(Cabinet.id.in_(
            select(DeviceMessage.cabinet_id).where(DeviceMessage.id.in_(ids))
        ))).all()  # fmt: skip
    assert len(heard) == CLOSES and all(at is not None for at in heard)
