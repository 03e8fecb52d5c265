"""The schema guards integrity by itself: unique keys, foreign keys, tenant ids, checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from app.apikeys.models import ApiKey
from app.cabinets.models import DeviceMessage, Site, Slot
from app.inventory.models import MovementKind, Stock, StockMovement
from app.models import TENANT_OWNED_MODELS
from app.tenants.models import Tenant
from app.withdrawals.models import AuthMethod, DoorSession, WithdrawalLine
from tests.factories import (
    make_cabinet,
    make_item,
    make_service_provider,
    make_slot,
    make_tenant,
    make_user,
    make_withdrawal,
)


def _refused(session: Session, build: Callable[[], object]) -> None:
    """Adding and flushing the row must fail on the database, and leave the session usable."""
    nested = session.begin_nested()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.add(build())
        session.flush()
    nested.rollback()


# The one tenant-owned table whose rows may belong to no tenant: a service provider's API key
# (its check constraint wants exactly one of tenant_id and provider_id; tested below).
OWNED_BY_A_TENANT_OR_A_PROVIDER = {"api_key"}


def test_every_tenant_owned_table_has_a_non_null_indexed_tenant_id(session: Session) -> None:
    inspector = inspect(session.get_bind())
    assert len(TENANT_OWNED_MODELS) >= 30
    for model in TENANT_OWNED_MODELS:
        table = model.__tablename__
        column = next(c for c in inspector.get_columns(table) if c["name"] == "tenant_id")
        assert column["nullable"] is (table in OWNED_BY_A_TENANT_OR_A_PROVIDER), table
        indexed = any(ix["column_names"][0] == "tenant_id" for ix in inspector.get_indexes(table))
        assert indexed, f"{table}.tenant_id has no index"
        fks = [
            fk
            for fk in inspector.get_foreign_keys(table)
            if fk["constrained_columns"] == ["tenant_id"]
        ]
        assert fks and fks[0]["referred_table"] == "tenant", table


def test_row_without_tenant_is_refused(session: Session) -> None:
    _refused(session, lambda: Site(name="无主"))


def test_an_api_key_belongs_to_exactly_one_tenant_or_provider(session: Session) -> None:
    tenant = make_tenant(session)
    provider = make_service_provider(session, "P-CK", "服务商")
    for owners in ({}, {"tenant_id": tenant.id, "provider_id": provider.id}):
        _refused(
            session, lambda o=owners: ApiKey(name="k", prefix="ck000001", secret_hash="0", **o)
        )


def test_tenant_codes_are_unique(session: Session) -> None:
    code = make_tenant(session).code
    _refused(session, lambda: Tenant(code=code, name="重复"))


def test_slot_must_belong_to_an_existing_cabinet(session: Session) -> None:
    tenant = make_tenant(session)
    _refused(
        session,
        lambda: Slot(
            tenant_id=tenant.id, cabinet_id=999_999, code="Z9", scale_unit=1, scale_channel=1
        ),
    )


def test_scale_slot_needs_a_scale_channel(session: Session) -> None:
    cabinet = make_cabinet(session, make_tenant(session))
    _refused(session, lambda: Slot(tenant_id=cabinet.tenant_id, cabinet_id=cabinet.id, code="B1"))


def test_a_device_message_is_stored_once_per_cabinet(session: Session) -> None:
    cabinet = make_cabinet(session, make_tenant(session))

    def message() -> DeviceMessage:
        return DeviceMessage(
            tenant_id=cabinet.tenant_id,
            cabinet_id=cabinet.id,
            message_id="m-1",
            boot_id="b",
            seq=1,
            type="heartbeat",
            device_ts=datetime.now(UTC),
        )

    session.add(message())
    session.flush()
    _refused(session, message)


def test_stock_cannot_go_negative(session: Session) -> None:
    tenant = make_tenant(session)
    slot = make_slot(session, make_cabinet(session, tenant))
    item = make_item(session, tenant)
    _refused(
        session,
        lambda: Stock(
            tenant_id=tenant.id,
            cabinet_id=slot.cabinet_id,
            slot_id=slot.id,
            item_id=item.id,
            quantity=-1,
        ),
    )


@pytest.mark.parametrize(
    ("kind", "delta", "balance"),
    [
        (MovementKind.withdrawal, 3, 3),  # a withdrawal must take
        (MovementKind.restock, -2, 0),  # a restock must add
        (MovementKind.adjustment, 0, 0),  # no empty movements
        (MovementKind.adjustment, -5, -5),  # balance never negative
        (MovementKind.correction, 1, 1),  # a correction needs a reason
    ],
)
def test_impossible_stock_movements_are_refused(
    session: Session, kind: MovementKind, delta: int, balance: int
) -> None:
    tenant = make_tenant(session)
    slot = make_slot(session, make_cabinet(session, tenant))
    item = make_item(session, tenant)
    _refused(
        session,
        lambda: StockMovement(
            tenant_id=tenant.id,
            cabinet_id=slot.cabinet_id,
            slot_id=slot.id,
            item_id=item.id,
            kind=kind.value,
            quantity_delta=delta,
            balance_after=balance,
        ),
    )


def _with_cost(line: WithdrawalLine, cents: int) -> WithdrawalLine:
    line.line_cost_cents = cents
    return line


def test_withdrawal_line_cost_must_match_quantity_times_unit_cost(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    item = make_item(session, tenant)
    withdrawal = make_withdrawal(
        session, cabinet, make_user(session, tenant), total_qty=2, total_cost_cents=500
    )
    _refused(
        session,
        lambda: _with_cost(
            WithdrawalLine.of(withdrawal, item_id=item.id, quantity=2, unit_cost_cents=250), 400
        ),
    )


def test_a_cabinet_has_one_open_door_session_at_a_time(session: Session) -> None:
    tenant = make_tenant(session)
    cabinet = make_cabinet(session, tenant)
    user = make_user(session, tenant)

    def door(status: str) -> DoorSession:
        return DoorSession(
            tenant_id=tenant.id,
            cabinet_id=cabinet.id,
            user_id=user.id,
            auth_method=AuthMethod.qr.value,
            status=status,
        )

    session.add_all([door("committed"), door("committed"), door("open")])
    session.flush()
    _refused(session, lambda: door("authorized"))


def test_audit_log_is_append_only(session: Session) -> None:
    session.execute(
        text(
            "INSERT INTO audit_log (action, entity, created_at)"
            " VALUES ('t', 'x', CURRENT_TIMESTAMP)"
        )
    )
    for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
        nested = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        nested.rollback()
