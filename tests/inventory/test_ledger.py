"""The stock ledger: append-only movements, stock moved in the same transaction, reconciled."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from app.alerts.models import Alert
from app.core.errors import ValidationError
from app.core.tenancy import TenantScope
from app.inventory.models import MovementKind, Stock, StockMovement
from app.inventory.services.inventory import reconcile_and_alert, reconcile_ledger, record_movement
from tests.factories import make_cabinet, make_item, make_slot, make_tenant


@pytest.fixture
def shelf(session: Session):
    tenant = make_tenant(session)
    slot = make_slot(session, make_cabinet(session, tenant))
    item = make_item(session, tenant)
    return tenant, slot, item


def _move(session: Session, shelf, kind: MovementKind, delta: int, reason: str | None = None):
    tenant, slot, item = shelf
    return record_movement(
        session=session,
        tenant_id=tenant.id,
        cabinet_id=slot.cabinet_id,
        slot_id=slot.id,
        item_id=item.id,
        kind=kind,
        quantity_delta=delta,
        reason=reason,
    )


def _stock(session: Session, shelf) -> int:
    _, slot, item = shelf
    return session.exec(
        select(Stock.quantity).where(Stock.slot_id == slot.id, Stock.item_id == item.id)
    ).one()


def test_each_movement_moves_stock_and_records_the_balance(session: Session, shelf) -> None:
    assert _move(session, shelf, MovementKind.adjustment, 20).balance_after == 20
    assert _move(session, shelf, MovementKind.withdrawal, -3).balance_after == 17
    assert _move(session, shelf, MovementKind.restock, 5).balance_after == 22
    assert _move(session, shelf, MovementKind.correction, 1, reason="少扣一支").balance_after == 23
    assert _stock(session, shelf) == 23
    assert reconcile_ledger(session=session, scope=TenantScope.platform()) == []


def test_taking_more_than_is_there_is_refused_and_writes_nothing(session: Session, shelf) -> None:
    _move(session, shelf, MovementKind.adjustment, 2)
    with pytest.raises(ValidationError) as caught:
        _move(session, shelf, MovementKind.withdrawal, -3)
    assert caught.value.key == "error.stock_negative"
    assert caught.value.params["available"] == 2 and caught.value.params["requested"] == 3
    assert _stock(session, shelf) == 2
    assert len(session.exec(select(StockMovement)).all()) == 1


def test_movements_cannot_be_updated_or_deleted(session: Session, shelf) -> None:
    _move(session, shelf, MovementKind.adjustment, 2)
    session.commit()
    for statement in ("UPDATE stock_movement SET quantity_delta = 9", "DELETE FROM stock_movement"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()


def test_reconciliation_finds_stock_that_was_changed_behind_the_ledgers_back(
    session: Session, shelf
) -> None:
    tenant, slot, item = shelf
    _move(session, shelf, MovementKind.adjustment, 10)
    other = make_tenant(session)
    other_shelf = (
        other,
        make_slot(session, make_cabinet(session, other)),
        make_item(session, other),
    )
    _move(session, other_shelf, MovementKind.adjustment, 4)
    session.execute(text("UPDATE stock SET quantity = quantity - 1"))

    mismatches = reconcile_ledger(session=session, scope=TenantScope.single(tenant.id))
    assert [(m.slot_id, m.item_id, m.ledger_quantity, m.stock_quantity) for m in mismatches] == [
        (slot.id, item.id, 10, 9)
    ]
    assert len(reconcile_ledger(session=session, scope=TenantScope.platform())) == 2
    for _ in range(2):  # the nightly job raises one alert per slot and item, then counts repeats
        reconcile_and_alert(session=session, scope=TenantScope.platform())
    alerts = session.exec(select(Alert).where(Alert.kind == "ledger_mismatch")).all()
    assert len(alerts) == 2 and {a.occurrences for a in alerts} == {2}
    assert {a.severity for a in alerts} == {"critical"}


def test_a_stock_row_without_any_movement_is_a_mismatch(session: Session, shelf) -> None:
    tenant, slot, item = shelf
    session.add(
        Stock(
            tenant_id=tenant.id,
            cabinet_id=slot.cabinet_id,
            slot_id=slot.id,
            item_id=item.id,
            quantity=3,
        )
    )
    session.flush()
    [mismatch] = reconcile_ledger(session=session, scope=TenantScope.single(tenant.id))
    assert (mismatch.ledger_quantity, mismatch.stock_quantity) == (0, 3)
